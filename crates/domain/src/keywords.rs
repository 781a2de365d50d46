//! Inbound message classification: opt-out, opt-in and help keywords, and phrases that
//! suggest an opt-out for a person to confirm.
//!
//! Keywords follow Twilio's rule (TWILIO.md "Keywords"): the keyword must be the whole
//! message, compared case-insensitively after trimming surrounding whitespace. Nothing
//! else is a keyword: not `STOP.`, not `please stop`, not `STOP` inside a sentence, so a
//! contact who writes "I can't stop by today" is never unsubscribed.
//!
//! Those near misses are not ignored either (FCC 24-18: opt-outs "by any reasonable
//! means" must be honoured): a message that reads like an opt-out — a keyword with
//! punctuation, "please stop", "take me off your list" — is [`InboundKind::SoftOptOut`],
//! which the server turns into a needs-attention conversation with a suggestion for a
//! person to confirm, never an automatic opt-out.

use serde::{Deserialize, Serialize};

/// Messages that opt the sender out (whole message, any case).
pub const OPT_OUT_KEYWORDS: [&str; 8] = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"];
/// Messages that opt the sender back in.
pub const OPT_IN_KEYWORDS: [&str; 3] = ["START", "YES", "UNSTOP"];
/// Messages that ask for help.
pub const HELP_KEYWORDS: [&str; 2] = ["HELP", "INFO"];

/// Twilio's default confirmation for an opt-out (one is allowed, within 5 minutes).
pub const OPT_OUT_REPLY: &str = "You have successfully been unsubscribed. You will not receive \
                                 any more messages from this number. Reply START to resubscribe.";
/// Twilio's default confirmation for an opt-in.
pub const OPT_IN_REPLY: &str = "You have successfully been re-subscribed to messages from this \
                                number. Reply HELP for help. Reply STOP to unsubscribe. \
                                Msg&Data Rates May Apply.";
/// Twilio's default answer to HELP.
pub const HELP_REPLY: &str = "Reply STOP to unsubscribe. Msg&Data Rates May Apply.";

/// The longest automatic reply an organisation may set: two segments of GSM-7, so a
/// confirmation never costs more than two messages.
pub const AUTOMATIC_REPLY_MAX_SEGMENTS: usize = 2;

/// Checks an organisation's automatic reply (HELP answer, opt-out confirmation): not
/// blank, at most two segments. Answers the trimmed text or why not.
pub fn validate_automatic_reply(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("must not be blank".to_owned());
    }
    let info = crate::segments::segment_info(text);
    if info.segments > AUTOMATIC_REPLY_MAX_SEGMENTS {
        return Err(format!(
            "must fit in {AUTOMATIC_REPLY_MAX_SEGMENTS} segments; as written it takes {} ({})",
            info.segments,
            info.encoding.label()
        ));
    }
    Ok(text.to_owned())
}

/// Phrases (as words, apostrophes dropped) that suggest the contact wants no more texts.
/// Matched on word boundaries anywhere in the message.
const SOFT_OPT_OUT_PHRASES: &[&str] = &[
    "do not text",
    "dont text",
    "do not message",
    "dont message",
    "do not contact",
    "dont contact",
    "do not send",
    "dont send",
    "stop texting",
    "stop messaging",
    "stop sending",
    "stop contacting",
    "quit texting",
    "take me off",
    "remove me",
    "remove my number",
    "unsubscribe",
    "opt out",
    "opt me out",
    "optout",
    "stopall",
    "no more texts",
    "no more text",
    "no more messages",
    "leave me alone",
];

/// A short message (at most this many words) containing the word "stop" reads as an
/// opt-out ("please stop", "ok STOP", "stop it now"); longer ones ("can I stop by the
/// office tomorrow") mostly do not.
const SHORT_MESSAGE_WORDS: usize = 4;

/// What an inbound message asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InboundKind {
    /// An opt-out keyword: opt the number out and confirm once.
    OptOut,
    /// An opt-in keyword: lift the opt-out and confirm.
    OptIn,
    /// A help keyword: answer with the help text.
    Help,
    /// Reads like an opt-out but is not a keyword: a person should confirm.
    SoftOptOut,
    /// Anything else: the conversation's operator handles it.
    Other,
}

impl InboundKind {
    /// Whether this is one of Twilio's keywords (handled before the conversation's
    /// operator sees the message).
    pub fn is_keyword(self) -> bool {
        matches!(self, InboundKind::OptOut | InboundKind::OptIn | InboundKind::Help)
    }

    /// The automatic reply to a keyword, if any.
    pub fn keyword_reply(self) -> Option<&'static str> {
        match self {
            InboundKind::OptOut => Some(OPT_OUT_REPLY),
            InboundKind::OptIn => Some(OPT_IN_REPLY),
            InboundKind::Help => Some(HELP_REPLY),
            InboundKind::SoftOptOut | InboundKind::Other => None,
        }
    }
}

/// Classifies an inbound message body.
pub fn classify_inbound(body: &str) -> InboundKind {
    let trimmed = body.trim();
    let is = |keywords: &[&str]| keywords.iter().any(|k| trimmed.eq_ignore_ascii_case(k));
    if is(&OPT_OUT_KEYWORDS) {
        return InboundKind::OptOut;
    }
    if is(&OPT_IN_KEYWORDS) {
        return InboundKind::OptIn;
    }
    if is(&HELP_KEYWORDS) {
        return InboundKind::Help;
    }
    if suggests_opt_out(body) {
        return InboundKind::SoftOptOut;
    }
    InboundKind::Other
}

fn suggests_opt_out(body: &str) -> bool {
    let message = words(body);
    if message.is_empty() {
        return false;
    }
    // A keyword dressed in punctuation: "STOP.", "stop!!", "'Unsubscribe'", "Stop Stop".
    let all_opt_out_keywords = message.iter().all(|w| OPT_OUT_KEYWORDS.iter().any(|k| w.eq_ignore_ascii_case(k)));
    if all_opt_out_keywords {
        return true;
    }
    if message.len() <= SHORT_MESSAGE_WORDS && message.iter().any(|w| w == "stop") {
        return true;
    }
    SOFT_OPT_OUT_PHRASES.iter().any(|phrase| contains_phrase(&message, &words(phrase)))
}

/// Splits text into lower-case words for phrase matching: apostrophes (straight or
/// curly) are dropped so "don't" and "dont" agree; every other character that is not a
/// letter or digit separates words.
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut result = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if matches!(c, '\'' | '’' | '‘' | 'ʼ') {
            continue;
        }
        if c.is_alphanumeric() {
            current.extend(c.to_lowercase());
        } else if !current.is_empty() {
            result.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        result.push(current);
    }
    result
}

/// Whether `phrase` occurs in `message` as consecutive whole words. An empty phrase
/// matches nothing.
pub(crate) fn contains_phrase(message: &[String], phrase: &[String]) -> bool {
    !phrase.is_empty() && message.windows(phrase.len()).any(|window| window == phrase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_opt_out_keyword_in_any_case_with_surrounding_whitespace() {
        for keyword in OPT_OUT_KEYWORDS {
            assert_eq!(classify_inbound(keyword), InboundKind::OptOut, "{keyword}");
            assert_eq!(classify_inbound(&keyword.to_lowercase()), InboundKind::OptOut);
            assert_eq!(classify_inbound(&format!("  {keyword}\n")), InboundKind::OptOut);
        }
        assert_eq!(classify_inbound("sToP"), InboundKind::OptOut);
        assert_eq!(classify_inbound("\tOptOut \r\n"), InboundKind::OptOut);
    }

    #[test]
    fn opt_in_and_help_keywords() {
        for keyword in OPT_IN_KEYWORDS {
            assert_eq!(classify_inbound(&keyword.to_lowercase()), InboundKind::OptIn);
        }
        for keyword in HELP_KEYWORDS {
            assert_eq!(classify_inbound(&format!(" {keyword} ")), InboundKind::Help);
        }
        assert_eq!(classify_inbound("Yes"), InboundKind::OptIn);
    }

    #[test]
    fn stop_inside_a_sentence_is_never_an_opt_out() {
        for body in [
            "please stop texting",
            "please stop",
            "STOP.",
            "stop!",
            "STOP STOP",
            "I can't stop by today",
            "Can I stop by the office tomorrow to drop off the form?",
            "stops",
            "STOP me",
        ] {
            assert_ne!(classify_inbound(body), InboundKind::OptOut, "{body}");
        }
    }

    #[test]
    fn phrases_that_read_like_opt_outs_are_soft() {
        for body in [
            "do not text me",
            "Don't text me again",
            "don’t message me",
            "Please take me off your list",
            "remove me",
            "unsubscribe me",
            "Stop texting me!!",
            "please stop texting",
            "please stop",
            "STOP.",
            "Stop!",
            "'unsubscribe'",
            "STOP STOP",
            "ok stop",
            "opt me out please",
            "I want to opt-out",
            "no more texts please",
        ] {
            assert_eq!(classify_inbound(body), InboundKind::SoftOptOut, "{body}");
        }
    }

    #[test]
    fn ordinary_messages_are_other() {
        for body in [
            "",
            "   ",
            "Hi! Yes I got the form",
            "Can I stop by the office tomorrow to drop off the form?",
            "yes please",
            "help me with my application",
            "What time does the event end?",
            "Stopwatch",
            "I'm removing the old form",
            "😀",
        ] {
            assert_eq!(classify_inbound(body), InboundKind::Other, "{body}");
        }
    }

    #[test]
    fn keyword_replies_exist_only_for_keywords() {
        assert_eq!(InboundKind::OptOut.keyword_reply(), Some(OPT_OUT_REPLY));
        assert_eq!(InboundKind::Help.keyword_reply(), Some(HELP_REPLY));
        assert_eq!(validate_automatic_reply("  Call us on 555-0100.  "), Ok("Call us on 555-0100.".to_owned()));
        assert!(validate_automatic_reply(" ").is_err());
        assert!(validate_automatic_reply(&"x".repeat(306)).is_ok(), "two GSM-7 segments");
        assert!(validate_automatic_reply(&"x".repeat(307)).is_err());
        assert!(validate_automatic_reply(&"ж".repeat(134)).is_ok(), "two UCS-2 segments");
        assert_eq!(InboundKind::SoftOptOut.keyword_reply(), None);
        assert!(InboundKind::OptIn.is_keyword());
        assert!(!InboundKind::SoftOptOut.is_keyword());
    }

    #[test]
    fn words_drop_apostrophes_and_split_on_punctuation() {
        assert_eq!(words("Don’t  TEXT-me, ok?"), vec!["dont", "text", "me", "ok"]);
        assert!(words("?!").is_empty());
        let message = words("please take me off your list");
        assert!(contains_phrase(&message, &words("take me off")));
        assert!(!contains_phrase(&message, &words("take off")));
        assert!(!contains_phrase(&message, &[]));
    }
}
