//! The Virtual Assistant: its script, the script's validation, and how it answers.
//!
//! The assistant is deliberately simple and predictable: staff write rules of trigger
//! phrases and a reply; an inbound message gets the reply of the first rule (in script
//! order) with a phrase in it. Phrases match ignoring case and punctuation, on whole
//! words ("hours" matches "What are your hours?" but not "hourslong"). The assistant
//! hands the conversation to people when the contact asks for one (a handoff phrase),
//! when the message reads like an opt-out, or after too many replies it did not
//! understand in a row.
//!
//! Keywords (STOP, START, HELP…) are answered before the assistant is asked; see
//! [`crate::keywords`].

use serde::{Deserialize, Serialize};

use crate::keywords::{classify_inbound, contains_phrase, words, InboundKind, OPT_IN_KEYWORDS};
use crate::keywords::{HELP_KEYWORDS, OPT_OUT_KEYWORDS};
use crate::problem::FieldError;
use crate::segments::{body_length, BODY_MAX_LENGTH};

/// The field name script errors are nested under.
pub const SCRIPT_FIELD: &str = "assistant_script";
/// Longest trigger or handoff phrase, in characters.
pub const PHRASE_MAX_CHARS: usize = 100;
/// Most consecutive fallbacks a script may allow before it hands over.
pub const MAX_FALLBACKS_LIMIT: u8 = 10;
/// Fallbacks in a row before handing over, when the script does not say.
pub const DEFAULT_MAX_FALLBACKS: u8 = 2;
/// Handoff phrases a script gets when it names none.
pub const DEFAULT_HANDOFF_PHRASES: [&str; 8] = [
    "talk to a person",
    "speak to a person",
    "talk to someone",
    "speak to someone",
    "real person",
    "human",
    "agent",
    "representative",
];

/// A Virtual Assistant script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssistantScript {
    /// Sent when a conversation is handed to the assistant; none when absent or blank.
    #[serde(default)]
    pub greeting: Option<String>,
    /// Tried in order; the first rule with a matching phrase answers.
    pub rules: Vec<AssistantRule>,
    /// The answer when no rule matches.
    pub fallback_reply: String,
    /// Phrases that hand the conversation to people at once. Left out of the JSON, the
    /// [`DEFAULT_HANDOFF_PHRASES`]; an explicit empty list means none.
    #[serde(default = "default_handoff_phrases")]
    pub handoff_phrases: Vec<String>,
    /// Unmatched messages answered with the fallback in a row before the next one hands
    /// the conversation over instead. 0 hands over on the first unmatched message.
    #[serde(default = "default_max_fallbacks")]
    pub max_fallbacks_before_handoff: u8,
}

/// Trigger phrases and the reply they get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssistantRule {
    pub phrases: Vec<String>,
    pub reply: String,
}

fn default_handoff_phrases() -> Vec<String> {
    DEFAULT_HANDOFF_PHRASES.iter().map(|p| (*p).to_owned()).collect()
}

fn default_max_fallbacks() -> u8 {
    DEFAULT_MAX_FALLBACKS
}

impl Default for AssistantScript {
    /// An empty script with the default fallback, handoff phrases and limit; it needs at
    /// least one rule to be valid.
    fn default() -> Self {
        Self {
            greeting: None,
            rules: Vec::new(),
            fallback_reply: "Sorry, I didn't understand that. Could you say it another way? \
                             Reply AGENT to talk to a person."
                .to_owned(),
            handoff_phrases: default_handoff_phrases(),
            max_fallbacks_before_handoff: DEFAULT_MAX_FALLBACKS,
        }
    }
}

/// Why the assistant handed a conversation to people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HandoffReason {
    /// The contact asked for a person (a handoff phrase).
    Requested,
    /// The message reads like an opt-out: a person must confirm it.
    PossibleOptOut,
    /// The assistant did not understand too many messages in a row.
    RepeatedFallback,
}

/// What the assistant does with an inbound message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AssistantDecision {
    /// Answer with a rule's reply.
    Reply { text: String, rule_index: usize },
    /// Answer with the fallback; the caller counts it towards the handoff limit.
    Fallback { text: String },
    /// Send nothing; the conversation becomes agent-operated and needs attention.
    Handoff { reason: HandoffReason },
}

/// Decides the assistant's answer. `consecutive_fallbacks` is how many fallbacks the
/// assistant has sent in this conversation since its last rule reply (the caller resets
/// it to 0 on a [`AssistantDecision::Reply`]). Order: opt-out-like messages and handoff
/// phrases hand over first, then the rules in order, then the fallback — or a handoff
/// once `consecutive_fallbacks` has reached the script's limit.
pub fn assistant_decide(script: &AssistantScript, inbound_body: &str, consecutive_fallbacks: u8) -> AssistantDecision {
    // Keywords are handled before the assistant; an opt-out keyword that reaches it
    // anyway is treated like a phrase that suggests one, never answered by a bot.
    if matches!(classify_inbound(inbound_body), InboundKind::OptOut | InboundKind::SoftOptOut) {
        return AssistantDecision::Handoff { reason: HandoffReason::PossibleOptOut };
    }
    let message = words(inbound_body);
    let said = |phrase: &String| contains_phrase(&message, &words(phrase));
    if script.handoff_phrases.iter().any(said) {
        return AssistantDecision::Handoff { reason: HandoffReason::Requested };
    }
    if let Some((rule_index, rule)) = script.rules.iter().enumerate().find(|(_, rule)| rule.phrases.iter().any(said)) {
        return AssistantDecision::Reply { text: rule.reply.clone(), rule_index };
    }
    if consecutive_fallbacks >= script.max_fallbacks_before_handoff {
        return AssistantDecision::Handoff { reason: HandoffReason::RepeatedFallback };
    }
    AssistantDecision::Fallback { text: script.fallback_reply.clone() }
}

/// Checks a script. Errors are nested under `assistant_script`
/// (`assistant_script.rules[1].phrases[0]`). Besides blank and over-long text, it
/// refuses phrases that could never fire: a repeat of an earlier phrase, a handoff
/// phrase (handoff wins), or a keyword (answered before the assistant).
pub fn validate_script(script: &AssistantScript, errors: &mut Vec<FieldError>) {
    let field = |suffix: &str| format!("{SCRIPT_FIELD}.{suffix}");
    if let Some(greeting) = &script.greeting {
        check_reply(greeting, &field("greeting"), false, errors);
    }
    check_reply(&script.fallback_reply, &field("fallback_reply"), true, errors);
    if script.max_fallbacks_before_handoff > MAX_FALLBACKS_LIMIT {
        errors.push(FieldError::new(
            field("max_fallbacks_before_handoff"),
            format!("must be at most {MAX_FALLBACKS_LIMIT}"),
        ));
    }

    let mut handoff: Vec<Vec<String>> = Vec::new();
    for (i, phrase) in script.handoff_phrases.iter().enumerate() {
        let name = field(&format!("handoff_phrases[{i}]"));
        if check_phrase(phrase, &name, errors) {
            handoff.push(words(phrase));
        }
    }

    if script.rules.is_empty() {
        errors.push(FieldError::new(field("rules"), "must have at least one rule"));
    }
    let keywords: Vec<&str> = OPT_OUT_KEYWORDS.iter().chain(&OPT_IN_KEYWORDS).chain(&HELP_KEYWORDS).copied().collect();
    let mut seen: Vec<(Vec<String>, usize)> = Vec::new();
    for (r, rule) in script.rules.iter().enumerate() {
        check_reply(&rule.reply, &field(&format!("rules[{r}].reply")), true, errors);
        if rule.phrases.is_empty() {
            errors.push(FieldError::new(field(&format!("rules[{r}].phrases")), "must have at least one phrase"));
        }
        for (p, phrase) in rule.phrases.iter().enumerate() {
            let name = field(&format!("rules[{r}].phrases[{p}]"));
            if !check_phrase(phrase, &name, errors) {
                continue;
            }
            let key = words(phrase);
            if let [only] = key.as_slice() {
                if let Some(keyword) = keywords.iter().find(|k| only.eq_ignore_ascii_case(k)) {
                    errors.push(FieldError::new(
                        name,
                        format!("is the keyword {keyword}, which is answered before the assistant"),
                    ));
                    continue;
                }
            }
            if handoff.iter().any(|h| contains_phrase(&key, h)) {
                errors.push(FieldError::new(
                    name,
                    "contains a handoff phrase, so the conversation would be handed over instead",
                ));
            } else if let Some((_, earlier)) = seen.iter().find(|(k, _)| *k == key) {
                errors.push(FieldError::new(name, format!("repeats a phrase of rules[{earlier}]")));
            } else {
                seen.push((key, r));
            }
        }
    }
}

/// Checks a reply text; a greeting may be blank (it then is not sent).
fn check_reply(text: &str, field: &str, required: bool, errors: &mut Vec<FieldError>) {
    if text.trim().is_empty() {
        if required {
            errors.push(FieldError::new(field, "must not be empty"));
        }
    } else if body_length(text) > BODY_MAX_LENGTH {
        errors.push(FieldError::new(field, format!("must be at most {BODY_MAX_LENGTH} characters")));
    }
}

/// Checks a phrase; true when it is usable.
fn check_phrase(phrase: &str, field: &str, errors: &mut Vec<FieldError>) -> bool {
    if words(phrase).is_empty() {
        errors.push(FieldError::new(field, "must contain at least one word"));
        false
    } else if phrase.trim().chars().count() > PHRASE_MAX_CHARS {
        errors.push(FieldError::new(field, format!("must be at most {PHRASE_MAX_CHARS} characters")));
        false
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script() -> AssistantScript {
        AssistantScript {
            greeting: Some("Hi! I'm the admissions assistant.".to_owned()),
            rules: vec![
                AssistantRule {
                    phrases: vec!["hours".to_owned(), "open".to_owned()],
                    reply: "We're open 9–5, Monday to Friday.".to_owned(),
                },
                AssistantRule {
                    phrases: vec!["financial aid".to_owned(), "FAFSA".to_owned()],
                    reply: "See aid.example.edu.".to_owned(),
                },
            ],
            ..AssistantScript::default()
        }
    }

    #[test]
    fn the_first_matching_rule_answers_on_whole_words_ignoring_case() {
        let s = script();
        assert_eq!(
            assistant_decide(&s, "What are your HOURS?", 0),
            AssistantDecision::Reply { text: s.rules[0].reply.clone(), rule_index: 0 }
        );
        assert_eq!(
            assistant_decide(&s, "question about Financial-Aid please", 1),
            AssistantDecision::Reply { text: s.rules[1].reply.clone(), rule_index: 1 }
        );
        // Both rules match: the earlier one wins.
        assert!(matches!(
            assistant_decide(&s, "is the fafsa office open", 0),
            AssistantDecision::Reply { rule_index: 0, .. }
        ));
        // Not a whole word.
        assert!(matches!(assistant_decide(&s, "hourslong opener", 0), AssistantDecision::Fallback { .. }));
        // "financial" alone is not the phrase "financial aid".
        assert!(matches!(assistant_decide(&s, "financial question", 0), AssistantDecision::Fallback { .. }));
    }

    #[test]
    fn handoff_phrases_win_over_rules() {
        let s = script();
        assert_eq!(
            assistant_decide(&s, "What are your hours? I'd rather talk to a person", 0),
            AssistantDecision::Handoff { reason: HandoffReason::Requested }
        );
        assert_eq!(assistant_decide(&s, "AGENT", 0), AssistantDecision::Handoff { reason: HandoffReason::Requested });
        assert!(matches!(assistant_decide(&s, "agents are open?", 0), AssistantDecision::Reply { .. }));
    }

    #[test]
    fn fallback_until_the_limit_then_handoff() {
        let s = script();
        let fallback = AssistantDecision::Fallback { text: s.fallback_reply.clone() };
        assert_eq!(assistant_decide(&s, "blue", 0), fallback);
        assert_eq!(assistant_decide(&s, "blue", 1), fallback);
        assert_eq!(
            assistant_decide(&s, "blue", 2),
            AssistantDecision::Handoff { reason: HandoffReason::RepeatedFallback }
        );
        let eager = AssistantScript { max_fallbacks_before_handoff: 0, ..script() };
        assert_eq!(
            assistant_decide(&eager, "blue", 0),
            AssistantDecision::Handoff { reason: HandoffReason::RepeatedFallback }
        );
        // A match still answers even past the limit.
        assert!(matches!(assistant_decide(&s, "open?", 9), AssistantDecision::Reply { .. }));
    }

    #[test]
    fn opt_out_like_messages_are_handed_to_people() {
        let s = script();
        for body in ["please stop texting me", "STOP", "take me off your list"] {
            assert_eq!(
                assistant_decide(&s, body, 0),
                AssistantDecision::Handoff { reason: HandoffReason::PossibleOptOut },
                "{body}"
            );
        }
    }

    #[test]
    fn a_good_script_validates() {
        let mut errors = Vec::new();
        validate_script(&script(), &mut errors);
        assert_eq!(errors, vec![]);
    }

    #[test]
    fn validation_names_each_problem() {
        let s = AssistantScript {
            greeting: Some("  ".to_owned()),
            rules: vec![
                AssistantRule { phrases: vec!["hours".to_owned()], reply: " ".to_owned() },
                AssistantRule {
                    phrases: vec![
                        "Hours!".to_owned(),
                        "?!".to_owned(),
                        "help".to_owned(),
                        "can I speak to an agent".to_owned(),
                        "x".repeat(101),
                    ],
                    reply: "ok".to_owned(),
                },
                AssistantRule { phrases: vec![], reply: "ok".to_owned() },
            ],
            fallback_reply: String::new(),
            handoff_phrases: vec!["agent".to_owned(), "".to_owned()],
            max_fallbacks_before_handoff: 11,
        };
        let mut errors = Vec::new();
        validate_script(&s, &mut errors);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "assistant_script.fallback_reply",
                "assistant_script.max_fallbacks_before_handoff",
                "assistant_script.handoff_phrases[1]",
                "assistant_script.rules[0].reply",
                "assistant_script.rules[1].phrases[0]",
                "assistant_script.rules[1].phrases[1]",
                "assistant_script.rules[1].phrases[2]",
                "assistant_script.rules[1].phrases[3]",
                "assistant_script.rules[1].phrases[4]",
                "assistant_script.rules[2].phrases",
            ]
        );
        assert_eq!(errors[4].reason, "repeats a phrase of rules[0]");
        assert!(errors[6].reason.contains("HELP"));
        assert!(errors[7].reason.contains("handoff"));
    }

    #[test]
    fn a_script_needs_a_rule() {
        let mut errors = Vec::new();
        validate_script(&AssistantScript::default(), &mut errors);
        assert_eq!(errors, vec![FieldError::new("assistant_script.rules", "must have at least one rule")]);
    }

    #[test]
    fn json_defaults_fill_handoff_phrases_and_limit() {
        let json = r#"{"rules":[{"phrases":["hours"],"reply":"9-5"}],"fallback_reply":"?"}"#;
        let parsed: Result<AssistantScript, _> = serde_json::from_str(json);
        let Ok(parsed) = parsed else { panic!("parses") };
        assert_eq!(parsed.max_fallbacks_before_handoff, 2);
        assert!(parsed.handoff_phrases.iter().any(|p| p == "human"));
        assert_eq!(parsed.greeting, None);
        let explicit = r#"{"rules":[],"fallback_reply":"?","handoff_phrases":[]}"#;
        let parsed: Result<AssistantScript, _> = serde_json::from_str(explicit);
        assert!(parsed.is_ok_and(|s| s.handoff_phrases.is_empty()));
    }

    #[test]
    fn decisions_serialise_with_a_kind_tag() {
        let json = serde_json::to_value(AssistantDecision::Handoff { reason: HandoffReason::Requested });
        assert_eq!(json.ok(), Some(serde_json::json!({"kind": "handoff", "reason": "requested"})));
    }
}
