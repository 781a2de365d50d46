//! The domain's enums stored as text columns (behind the `diesel` feature, which the
//! SPA leaves off): each is written with its `as_str` spelling and read back through
//! its `parse`, so services and queries compare enums, never string literals, and a
//! value the domain does not know is a read error instead of a silent default.
//!
//! The impls are generic over the backend: any backend that stores `String`/`str` as
//! `Text` (SQLite, PostgreSQL, and the server's `MultiConnection` of both) takes them.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

/// Implements `ToSql<Text>`/`FromSql<Text>` for an enum with `as_str` and `parse`
/// (the enum derives `AsExpression` and `FromSqlRow` with `sql_type = Text`).
macro_rules! text_enum {
    ($($ty:ty => $what:literal),+ $(,)?) => {$(
        impl<DB: Backend> ToSql<Text, DB> for $ty
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $ty
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let text = String::from_sql(bytes)?;
                <$ty>::parse(&text).ok_or_else(|| format!("{} {text:?} is not one the domain knows", $what).into())
            }
        }
    )+};
}

text_enum! {
    crate::campaign::CampaignState => "campaign state",
    crate::campaign::OperatedBy => "operator",
    crate::campaign::PhoneNumberKind => "phone number kind",
    crate::campaign::ArchiveKind => "archive kind",
    crate::role::Role => "role",
    crate::phone_number::NumberType => "number type",
    crate::phone_number::PhoneNumberStatus => "phone number status",
    crate::opt_out_wire::OptOutSource => "opt-out source",
    crate::event_wire::EventKind => "event kind",
    crate::conversation_wire::Route => "conversation route",
    crate::message_wire::Direction => "message direction",
    crate::message_wire::Author => "message author",
    crate::delivery::MessageStatus => "message status",
}
