//! Bulk actions on conversations (the Activity tab's and the inbox's selections): tag,
//! assign, clear Needs Attention or opt out many conversations in one request. Each
//! conversation goes through the same change as its own PATCH or opt-out, in its own
//! transaction (a large selection never holds the database's writer), and the answer
//! says what happened to each one.

use chrono::{DateTime, Utc};
use tidings_domain::conversation_wire::{
    BulkAction, BulkConversationAction, BulkOutcome, BulkReport, BulkResult, UpdateConversation, BULK_IDS_MAX,
    BULK_SELECTION_MAX,
};
use tidings_domain::tags::{add_tag, same_tag, tag_key, validate_tag, CONVERSATION_TAG_MAX};

use crate::auth::AuthUser;
use crate::db::conversations::ConversationFilter;
use crate::db::text_search::NameOrPhone;
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::campaigns::load_visible;
use crate::services::conversations::{change, load_to_work, suppress_contact, ConversationQuery};
use crate::services::inbox::{self, InboxQuery};

/// `POST /conversations/bulk`.
pub fn run(
    conn: &mut DbConnection,
    actor: &AuthUser,
    input: BulkConversationAction,
    now: DateTime<Utc>,
) -> ApiResult<BulkReport> {
    actor.require_messaging()?;
    if let BulkAction::Tag { tag } = &input.action {
        validate_tag(tag).map_err(|reason| ApiError::invalid("action.tag", reason))?;
    }
    let ids = selection(conn, actor, &input)?;
    let mut outcomes = Vec::with_capacity(ids.len());
    for id in ids {
        let outcome = match apply(conn, actor, id, &input.action, now) {
            Ok(result) => BulkOutcome { conversation_id: id, result, reason: None },
            // A refusal of this one conversation (not yours, ended, a full tag list) is
            // reported; the database failing is the whole request's failure.
            Err(error) if error.status().is_client_error() => BulkOutcome {
                conversation_id: id,
                result: BulkResult::Refused,
                reason: Some(error.problem().detail.unwrap_or_else(|| "refused".to_owned())),
            },
            Err(error) => return Err(error),
        };
        outcomes.push(outcome);
    }
    Ok(BulkReport::of(outcomes))
}

/// The conversations named, or those of the campaign's or the inbox's filter, each once.
fn selection(conn: &mut DbConnection, actor: &AuthUser, input: &BulkConversationAction) -> ApiResult<Vec<i64>> {
    let named = !input.conversation_ids.is_empty();
    let chosen = usize::from(named) + usize::from(input.campaign.is_some()) + usize::from(input.inbox.is_some());
    if chosen != 1 {
        let reason = if chosen == 0 {
            "name at least one conversation, or a campaign's or an inbox's selection"
        } else {
            "name the conversations, a campaign's selection or an inbox's, only one of them"
        };
        return Err(ApiError::invalid("conversation_ids", reason));
    }
    let ids = if let Some(campaign) = &input.campaign {
        let visible = load_visible(conn, actor, campaign.campaign_id)?;
        let filter = ConversationFilter {
            search: NameOrPhone::parse(campaign.q.as_deref()),
            tag_keys: campaign.tags.iter().map(|t| tag_key(t)).collect(),
            before: None,
            limit: BULK_SELECTION_MAX + 1,
        };
        db::conversations::ids_of_campaign(conn, visible.id, campaign.section, &filter)?
    } else if let Some(selection) = &input.inbox {
        let which = InboxQuery {
            office_id: selection.office_id,
            assigned_to_me: selection.assigned_to_me,
            participating: selection.participating,
        };
        let query = ConversationQuery { q: selection.q.clone(), tags: selection.tags.clone() };
        inbox::ids(conn, actor, &which, &query, BULK_SELECTION_MAX + 1)?
    } else {
        if input.conversation_ids.len() > BULK_IDS_MAX {
            return Err(ApiError::invalid("conversation_ids", format!("must be at most {BULK_IDS_MAX}")));
        }
        if let Some(at) = input.conversation_ids.iter().position(|id| *id < 1) {
            return Err(ApiError::invalid(
                format!("conversation_ids[{at}]"),
                "must be a conversation's id (1 or more)",
            ));
        }
        let mut ids = input.conversation_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        return Ok(ids);
    };
    if i64::try_from(ids.len()).unwrap_or(i64::MAX) > BULK_SELECTION_MAX {
        let field = if input.campaign.is_some() { "campaign" } else { "inbox" };
        return Err(ApiError::invalid(
            field,
            format!("matches more than {BULK_SELECTION_MAX} conversations; narrow the filter"),
        ));
    }
    Ok(ids)
}

/// Applies the action to one conversation: `Unchanged` when it is so already.
fn apply(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    action: &BulkAction,
    now: DateTime<Utc>,
) -> ApiResult<BulkResult> {
    let row = load_to_work(conn, actor, id)?;
    let update = match action {
        BulkAction::Tag { tag } => {
            let tags: Vec<String> =
                db::conversations::tags_of(conn, &[row.id])?.into_iter().map(|(_, tag)| tag).collect();
            if tags.iter().any(|t| same_tag(t, tag)) {
                return Ok(BulkResult::Unchanged);
            }
            let tags = add_tag(&tags, tag, Some(CONVERSATION_TAG_MAX)).map_err(ApiError::conflict)?;
            UpdateConversation { tags: Some(tags), ..Default::default() }
        }
        BulkAction::Assign { user_id } => {
            if row.assigned_user_id == *user_id {
                return Ok(BulkResult::Unchanged);
            }
            UpdateConversation { assigned_user_id: Some(*user_id), ..Default::default() }
        }
        BulkAction::ClearNeedsAttention => {
            if !row.needs_attention {
                return Ok(BulkResult::Unchanged);
            }
            UpdateConversation { needs_attention: Some(false), ..Default::default() }
        }
        BulkAction::OptOut => {
            if db::opt_outs::live_among(conn, actor.organisation_id, &[row.contact_phone.as_str()])?.is_empty() {
                suppress_contact(conn, actor, id, now)?;
                return Ok(BulkResult::Done);
            }
            return Ok(BulkResult::Unchanged);
        }
    };
    change(conn, actor, id, update, now)?;
    Ok(BulkResult::Done)
}
