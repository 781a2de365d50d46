//! Who is asking, for login throttling: the client's address and the network it is
//! counted by. The socket's peer is the client, unless that peer is a proxy listed in
//! `TIDINGS_TRUSTED_PROXIES`: then `X-Forwarded-For` is read from the right, skipping
//! trusted proxies, and the first address that is not one is the client. Anyone can
//! write that header, so it is never read from an untrusted peer.

use std::net::{IpAddr, Ipv6Addr};

/// An address range (`10.0.0.0/8`, `2001:db8::/32`, or one address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    base: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// Parses `address` or `address/prefix`.
    pub fn parse(text: &str) -> Result<IpRange, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let base: IpAddr = address.parse().map_err(|_| format!("'{text}' is not an IP address or range"))?;
        let bits = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("'{text}': the prefix length must be 0 to {bits}"))?,
            None => bits,
        };
        Ok(IpRange { base: base.to_canonical(), prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.base, ip.to_canonical()) {
            (IpAddr::V4(base), IpAddr::V4(ip)) => {
                masked(u128::from(u32::from(base)), 32, self.prefix)
                    == masked(u128::from(u32::from(ip)), 32, self.prefix)
            }
            (IpAddr::V6(base), IpAddr::V6(ip)) => {
                masked(u128::from(base), 128, self.prefix) == masked(u128::from(ip), 128, self.prefix)
            }
            _ => false,
        }
    }
}

/// The top `prefix` bits of a `bits`-wide address.
fn masked(address: u128, bits: u8, prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        address >> (bits - prefix)
    }
}

/// The client's address: `peer`, or when `peer` is a trusted proxy, the nearest
/// untrusted address of `forwarded_for` (an `X-Forwarded-For` value).
pub fn client_ip(peer: Option<IpAddr>, forwarded_for: Option<&str>, trusted: &[IpRange]) -> Option<IpAddr> {
    let mut client = peer?.to_canonical();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|range| range.contains(ip));
    if !is_trusted(client) {
        return Some(client);
    }
    for hop in forwarded_for.unwrap_or_default().rsplit(',').map(str::trim).filter(|hop| !hop.is_empty()) {
        // An unreadable hop was written by someone untrusted: stop at the last known one.
        let Ok(ip) = hop.parse::<IpAddr>() else {
            break;
        };
        client = ip.to_canonical();
        if !is_trusted(client) {
            break;
        }
    }
    Some(client)
}

/// The network a client is counted by: an IPv4 address itself; for IPv6 its /64, which
/// a single subscriber usually holds whole.
pub fn network_of(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let network = Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1));
            format!("{network}/64")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
    }

    fn ranges(texts: &[&str]) -> Vec<IpRange> {
        texts.iter().filter_map(|t| IpRange::parse(t).ok()).collect()
    }

    #[test]
    fn ranges_parse_and_match() {
        let Ok(range) = IpRange::parse("10.1.0.0/16") else { panic!("parses") };
        assert!(range.contains(ip("10.1.200.3")));
        assert!(!range.contains(ip("10.2.0.1")));
        assert!(range.contains(ip("::ffff:10.1.0.9")), "an IPv4-mapped address is the IPv4 one");
        let Ok(v6) = IpRange::parse("2001:db8::/32") else { panic!("parses") };
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(IpRange::parse("10.0.0.0/33").is_err());
        assert!(IpRange::parse("proxy.example").is_err());
        let Ok(everything) = IpRange::parse("0.0.0.0/0") else { panic!("parses") };
        assert!(everything.contains(ip("203.0.113.9")));
    }

    #[test]
    fn forwarded_for_is_read_only_behind_a_trusted_proxy() {
        let trusted = ranges(&["127.0.0.1", "10.0.0.0/8"]);
        let forwarded = Some("198.51.100.7, 10.0.0.5");
        // Behind the trusted proxies: the nearest untrusted hop.
        assert_eq!(client_ip(Some(ip("127.0.0.1")), forwarded, &trusted), Some(ip("198.51.100.7")));
        // A client that writes the header itself gains nothing: its own address counts.
        assert_eq!(client_ip(Some(ip("203.0.113.9")), forwarded, &trusted), Some(ip("203.0.113.9")));
        // A forged entry left of the real client is not reached.
        assert_eq!(client_ip(Some(ip("127.0.0.1")), Some("1.2.3.4, 198.51.100.7"), &trusted), Some(ip("198.51.100.7")));
        // Nothing configured: the peer, whatever the header says.
        assert_eq!(client_ip(Some(ip("127.0.0.1")), forwarded, &[]), Some(ip("127.0.0.1")));
        // An unreadable hop stops the walk at the last trusted one.
        assert_eq!(client_ip(Some(ip("127.0.0.1")), Some("garbage"), &trusted), Some(ip("127.0.0.1")));
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64() {
        assert_eq!(network_of(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(network_of(ip("2001:db8:1:2:ffff::9")), network_of(ip("2001:db8:1:2::1")));
        assert_ne!(network_of(ip("2001:db8:1:3::1")), network_of(ip("2001:db8:1:2::1")));
        assert_eq!(network_of(ip("198.51.100.7")), "198.51.100.7");
        assert_eq!(network_of(ip("::ffff:198.51.100.7")), "198.51.100.7");
    }
}
