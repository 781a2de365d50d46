//! A TCP proxy between the server under test and PostgreSQL, so a test can take the
//! database away as a restart or a network fault does: every open connection dropped,
//! new ones closed as soon as they are made, until it is restored.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Links {
    down: bool,
    open: Vec<TcpStream>,
}

/// Listens on a free loopback port and forwards to `upstream` while up.
pub struct PgProxy {
    pub port: u16,
    links: Arc<Mutex<Links>>,
}

impl PgProxy {
    pub fn start(upstream: String) -> PgProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let links = Arc::new(Mutex::new(Links::default()));
        let accepting = links.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let mut links = accepting.lock().unwrap();
                if links.down {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&upstream) else {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                links.open.push(client.try_clone().unwrap());
                links.open.push(server.try_clone().unwrap());
                pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
                pipe(server, client);
            }
        });
        PgProxy { port, links }
    }

    /// The database goes away: open connections are cut, new ones closed at once.
    pub fn cut(&self) {
        let mut links = self.links.lock().unwrap();
        links.down = true;
        for stream in links.open.drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    /// The database is back.
    pub fn restore(&self) {
        self.links.lock().unwrap().down = false;
    }
}

/// Copies `from` into `to` until either side closes.
fn pipe(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let mut buffer = [0_u8; 16 * 1024];
        loop {
            match from.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if to.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to.shutdown(Shutdown::Both);
    });
}

/// `host[:port]` as `url` (`postgres://user@host:port/db?…`) writes it.
fn authority_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    authority.rsplit_once('@').map_or(authority, |(_, host)| host)
}

/// `host:port` of a PostgreSQL URL (5432 when it names none).
pub fn upstream_of(url: &str) -> String {
    let written = authority_of(url);
    if written.contains(':') {
        written.to_owned()
    } else {
        format!("{written}:5432")
    }
}

/// `url` with its host and port replaced by the proxy's.
pub fn through(url: &str, proxy: &PgProxy) -> String {
    url.replacen(authority_of(url), &format!("127.0.0.1:{}", proxy.port), 1)
}
