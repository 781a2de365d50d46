//! A message's delivery status as the guide draws it: Sent (green check), Pending (blue
//! circular arrow), Undelivered (red circle, the reason on hover).

use leptos::prelude::*;
use tidings_domain::delivery::MessageStatus;
use tidings_domain::message_wire::Message;

/// How a status is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusLook {
    Sent,
    Pending,
    Undelivered,
    Cancelled,
}

impl StatusLook {
    /// The look of an outbound message's status; none for a contact's message.
    pub fn of(status: MessageStatus) -> Option<StatusLook> {
        match status {
            MessageStatus::Sent | MessageStatus::Delivered => Some(StatusLook::Sent),
            MessageStatus::Queued | MessageStatus::Claimed | MessageStatus::Sending | MessageStatus::Pending => {
                Some(StatusLook::Pending)
            }
            MessageStatus::Undelivered | MessageStatus::Failed | MessageStatus::Unknown => {
                Some(StatusLook::Undelivered)
            }
            MessageStatus::Cancelled => Some(StatusLook::Cancelled),
            MessageStatus::Received => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StatusLook::Sent => "Sent",
            StatusLook::Pending => "Pending",
            StatusLook::Undelivered => "Undelivered",
            StatusLook::Cancelled => "Cancelled",
        }
    }

    fn class(self) -> &'static str {
        match self {
            StatusLook::Sent => "status-icon status-sent",
            StatusLook::Pending => "status-icon status-pending",
            StatusLook::Undelivered => "status-icon status-undelivered",
            StatusLook::Cancelled => "status-icon status-cancelled",
        }
    }
}

/// What hovering the icon says: the label, and for an undelivered message why.
fn hover_text(look: StatusLook, message: &Message) -> String {
    match (look, &message.error_reason) {
        (StatusLook::Undelivered, Some(reason)) => match message.error_code {
            Some(code) => format!("Undelivered: {reason} (error {code})"),
            None => format!("Undelivered: {reason}"),
        },
        (StatusLook::Undelivered, None) if message.status == MessageStatus::Unknown => {
            "Undelivered: the provider may not have sent it".to_owned()
        }
        (StatusLook::Pending, _) if message.retrying => "Pending: retrying after a failed attempt".to_owned(),
        (StatusLook::Sent, _) if message.status == MessageStatus::Delivered => "Sent and delivered".to_owned(),
        _ => look.label().to_owned(),
    }
}

/// The icon of an outbound message's status (nothing for a contact's message), labelled
/// for screen readers and explained on hover.
pub fn status_icon(message: &Message) -> AnyView {
    let Some(look) = StatusLook::of(message.status) else {
        return ().into_any();
    };
    let hover = hover_text(look, message);
    let shape = match look {
        StatusLook::Sent => view! {
            <circle cx="12" cy="12" r="10" fill="currentColor"></circle>
            <path d="M7 12.5l3 3 7-7" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"></path>
        }
        .into_any(),
        StatusLook::Pending => view! {
            <path d="M19 12a7 7 0 1 1-2.05-4.95" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round"></path>
            <path d="M17.5 3.5v4h-4" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"></path>
        }
        .into_any(),
        StatusLook::Undelivered => view! {
            <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2.6"></circle>
            <path d="M12 7.5v5.5M12 16.2v.3" stroke="currentColor" stroke-width="2.6" stroke-linecap="round"></path>
        }
        .into_any(),
        StatusLook::Cancelled => view! {
            <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2.2"></circle>
            <path d="M6 18L18 6" stroke="currentColor" stroke-width="2.2"></path>
        }
        .into_any(),
    };
    view! {
        <span class=look.class() title=hover.clone() role="img" aria-label=hover data-status=look.label()>
            <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">{shape}</svg>
        </span>
    }
    .into_any()
}
