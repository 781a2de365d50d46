//! The Twilio provider against a fake Twilio on loopback that answers Twilio's documented
//! JSON shapes and records what it received (form fields, Basic credentials): sending
//! and its error mapping, buying and releasing numbers, and the whole server started
//! with `TIDINGS_PROVIDER=twilio`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap fails the test, which is the point")]

mod common;

use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::Engine;
use common::{TestApp, TestOptions};
use reqwest::StatusCode;
use serde_json::json;
use tidings_api::config::{Secret, TwilioConfig};
use tidings_api::providers::twilio::TwilioProvider;
use tidings_api::providers::{NumberType, OutboundMessage, Provider, ProviderError, ProvisionRequest};

const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN: &str = "fake-twilio-auth-token";
const PUBLIC_URL: &str = "https://tidings.example.edu";

/// Numbers whose sends the fake refuses, as Twilio does.
const INVALID_TO: &str = "+12135550001";
const RATE_LIMITED_TO: &str = "+12135550429";
const SERVER_ERROR_TO: &str = "+12135550500";
/// Rate limited (429, code 20429) on the first send, accepted after.
const FLAKY_TO: &str = "+12135550430";
/// An area code with nothing for sale.
const EMPTY_AREA: &str = "999";
/// Listed for sale, but bought by someone else before our purchase.
const TAKEN_NUMBER: &str = "+13335550123";
/// A number sid whose release fails inside Twilio.
/// The one number the fake account holds, and its sid.
const OWNED_NUMBER: &str = "+14155550142";
const OWNED_SID: &str = "PN0000000000000000000000000000beef";
/// Twilio takes this long to answer a send to it.
const SLOW_TO: &str = "+12135550777";
/// A recipient our number has texted more often than one page of Twilio's list holds.
const CROWDED_TO: &str = "+12135550888";
const BROKEN_SID: &str = "PNffffffffffffffffffffffffffffffff";

/// One request the fake received.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    form: Vec<(String, String)>,
    /// Decoded Basic credentials.
    credentials: Option<(String, String)>,
}

impl Received {
    fn field(&self, name: &str) -> Option<&str> {
        self.form.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
    fn query_field(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct FakeState {
    received: Mutex<Vec<Received>>,
    released: Mutex<HashSet<String>>,
    /// Recipients already refused once (FLAKY_TO).
    limited_once: Mutex<HashSet<String>>,
    /// Messages created: (sid, To, From, Body).
    created: Mutex<Vec<(String, String, String, String)>>,
}

/// A fake Twilio REST API on 127.0.0.1.
struct FakeTwilio {
    base: String,
    state: Arc<FakeState>,
}

impl FakeTwilio {
    fn start() -> Self {
        let state = Arc::new(FakeState::default());
        let data = web::Data::from(state.clone());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || App::new().app_data(data.clone()).default_service(web::to(answer)))
            .workers(1)
            .listen(listener)
            .unwrap()
            .run();
        actix_web::rt::spawn(server);
        Self { base: format!("http://127.0.0.1:{port}"), state }
    }

    fn config(&self) -> TwilioConfig {
        TwilioConfig {
            account_sid: ACCOUNT_SID.to_owned(),
            auth_token: Secret::new(AUTH_TOKEN),
            api_base: self.base.clone(),
        }
    }

    fn provider(&self) -> TwilioProvider {
        TwilioProvider::new(self.config(), PUBLIC_URL).unwrap()
    }

    fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }
}

fn twilio_error(status: u16, code: i64, message: &str) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).json(json!({
        "code": code,
        "message": message,
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
        "status": status,
    }))
}

fn sid(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

/// Every route of the fake: records the request, checks credentials, answers as Twilio.
async fn answer(request: HttpRequest, body: web::Bytes, state: web::Data<FakeState>) -> HttpResponse {
    let pairs = |text: &str| web::Query::<Vec<(String, String)>>::from_query(text).unwrap().into_inner();
    let credentials = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| base64::engine::general_purpose::STANDARD.decode(v).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|text| text.split_once(':').map(|(u, p)| (u.to_owned(), p.to_owned())));
    let received = Received {
        method: request.method().to_string(),
        path: request.path().to_owned(),
        query: pairs(request.query_string()),
        form: pairs(std::str::from_utf8(&body).unwrap()),
        credentials: credentials.clone(),
    };
    state.received.lock().unwrap().push(received.clone());

    if credentials != Some((ACCOUNT_SID.to_owned(), AUTH_TOKEN.to_owned())) {
        return twilio_error(401, 20003, "Authenticate");
    }
    let Some(rest) = received.path.strip_prefix(&format!("/2010-04-01/Accounts/{ACCOUNT_SID}/")) else {
        return twilio_error(404, 20404, "The requested resource was not found");
    };
    match (received.method.as_str(), rest) {
        ("POST", "Messages.json") => match received.field("To") {
            Some(INVALID_TO) => twilio_error(400, 21211, "The 'To' number is not a valid phone number."),
            Some(RATE_LIMITED_TO) => twilio_error(429, 20429, "Too Many Requests"),
            Some(SERVER_ERROR_TO) => twilio_error(500, 20500, "Internal Server Error"),
            Some(FLAKY_TO) if state.limited_once.lock().unwrap().insert(FLAKY_TO.to_owned()) => {
                twilio_error(429, 20429, "Too Many Requests")
            }
            to => {
                let sid = sid("SM");
                let field = |name: &str| received.field(name).unwrap_or_default().to_owned();
                state.created.lock().unwrap().push((sid.clone(), field("To"), field("From"), field("Body")));
                // Created, then slow to say so: the client gives up first.
                if to == Some(SLOW_TO) {
                    actix_web::rt::time::sleep(std::time::Duration::from_secs(3)).await;
                }
                HttpResponse::Created().json(json!({
                    "sid": sid,
                    "account_sid": ACCOUNT_SID,
                    "status": "queued",
                    "num_segments": "1",
                    "to": received.field("To"),
                    "from": received.field("From"),
                    "body": received.field("Body"),
                    "error_code": null,
                    "error_message": null,
                    "date_created": "Thu, 26 Nov 2026 18:00:00 +0000",
                }))
            }
        },
        ("GET", "Messages.json") if received.query_field("To") == Some(CROWDED_TO) => {
            let listed: Vec<_> = (0..1000)
                .map(|i| json!({"sid": sid("SM"), "body": format!("Older message {i}"), "status": "delivered"}))
                .collect();
            HttpResponse::Ok().json(json!({"messages": listed, "page_size": 1000}))
        }
        ("GET", "Messages.json") => {
            let listed: Vec<_> = state
                .created
                .lock()
                .unwrap()
                .iter()
                .filter(|(_, to, from, _)| {
                    received.query_field("To") == Some(to.as_str()) && received.query_field("From") == Some(from.as_str())
                })
                // As Twilio lists them: a message it still queues has no send date, so a
                // `DateSent` filter leaves it out.
                .filter(|_| received.query.iter().all(|(name, _)| !name.starts_with("DateSent")))
                .map(|(sid, to, from, body)| json!({"sid": sid, "to": to, "from": from, "body": body, "status": "queued", "date_sent": null, "error_code": null}))
                .collect();
            HttpResponse::Ok().json(json!({"messages": listed, "page_size": 100}))
        }
        ("GET", rest) if rest.starts_with("Messages/") => {
            let wanted = rest.trim_start_matches("Messages/").trim_end_matches(".json");
            let created = state.created.lock().unwrap();
            match created.iter().find(|(sid, ..)| sid == wanted) {
                Some((sid, to, from, body)) => HttpResponse::Ok().json(
                    json!({"sid": sid, "to": to, "from": from, "body": body, "status": "sent", "error_code": null}),
                ),
                None => twilio_error(404, 20404, "The requested resource was not found"),
            }
        }
        ("GET", "AvailablePhoneNumbers/US/Local.json") => {
            let area = received.query_field("AreaCode");
            let numbers = match area {
                Some(EMPTY_AREA) => vec![],
                Some(area) => vec![format!("+1{area}5550123"), format!("+1{area}5550124")],
                None => vec!["+12125550100".to_owned()],
            };
            HttpResponse::Ok().json(json!({
                "available_phone_numbers": numbers.iter().map(|n| json!({
                    "phone_number": n,
                    "friendly_name": n,
                    "iso_country": "US",
                    "capabilities": {"SMS": true, "MMS": true, "voice": true},
                })).collect::<Vec<_>>(),
                "uri": format!("/2010-04-01/Accounts/{ACCOUNT_SID}/AvailablePhoneNumbers/US/Local.json"),
            }))
        }
        ("GET", "IncomingPhoneNumbers.json") => {
            let held: Vec<_> = [(OWNED_SID, OWNED_NUMBER)]
                .into_iter()
                .filter(|(_, number)| received.query_field("PhoneNumber") == Some(number))
                .map(|(sid, number)| json!({"sid": sid, "phone_number": number, "account_sid": ACCOUNT_SID}))
                .collect();
            HttpResponse::Ok().json(json!({"incoming_phone_numbers": held, "page_size": 1}))
        }
        ("POST", "IncomingPhoneNumbers.json") if received.field("PhoneNumber") == Some(TAKEN_NUMBER) => {
            twilio_error(400, 21422, "PhoneNumber requested is not available")
        }
        ("POST", "IncomingPhoneNumbers.json") => HttpResponse::Created().json(json!({
            "sid": sid("PN"),
            "account_sid": ACCOUNT_SID,
            "phone_number": received.field("PhoneNumber"),
            "friendly_name": received.field("FriendlyName"),
            "sms_url": received.field("SmsUrl"),
            "capabilities": {"sms": true, "mms": true, "voice": true},
        })),
        ("DELETE", rest) if rest.starts_with("IncomingPhoneNumbers/") => {
            let number_sid = rest.trim_start_matches("IncomingPhoneNumbers/").trim_end_matches(".json").to_owned();
            if number_sid == BROKEN_SID {
                twilio_error(500, 20500, "Internal Server Error")
            } else if state.released.lock().unwrap().insert(number_sid) {
                HttpResponse::NoContent().finish()
            } else {
                twilio_error(404, 20404, "The requested resource was not found")
            }
        }
        _ => twilio_error(404, 20404, "The requested resource was not found"),
    }
}

fn message(to: &str) -> OutboundMessage {
    OutboundMessage {
        to: to.to_owned(),
        from: "+14155550100".to_owned(),
        body: "Hi Ada, enrolment opens Monday.".to_owned(),
        status_callback: Some(format!("{PUBLIC_URL}/webhooks/twilio/status")),
    }
}

#[actix_web::test]
async fn a_send_posts_the_form_with_basic_auth_and_answers_twilios_receipt() {
    let fake = FakeTwilio::start();
    let receipt = fake.provider().send_message(message("+14155550199")).await.unwrap();
    assert!(receipt.provider_message_id.starts_with("SM"), "{receipt:?}");
    assert_eq!(receipt.provider_message_id.len(), 34);
    assert_eq!(receipt.status, "queued");
    assert_eq!(receipt.num_segments, Some(1));

    let received = fake.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"));
    assert_eq!(request.credentials, Some((ACCOUNT_SID.to_owned(), AUTH_TOKEN.to_owned())));
    assert_eq!(request.field("To"), Some("+14155550199"));
    assert_eq!(request.field("From"), Some("+14155550100"));
    assert_eq!(request.field("Body"), Some("Hi Ada, enrolment opens Monday."));
    assert_eq!(request.field("StatusCallback"), Some("https://tidings.example.edu/webhooks/twilio/status"));

    // No callback asked for, no `StatusCallback` sent.
    let quiet = OutboundMessage { status_callback: None, ..message("+14155550198") };
    fake.provider().send_message(quiet).await.unwrap();
    assert_eq!(fake.received()[1].field("StatusCallback"), None);
}

#[actix_web::test]
async fn send_errors_keep_twilios_meaning() {
    let fake = FakeTwilio::start();
    let provider = fake.provider();

    let refused = provider.send_message(message(INVALID_TO)).await.unwrap_err();
    assert!(
        matches!(&refused, ProviderError::Rejected { code: Some(21211), message } if message.contains("not a valid phone number")),
        "{refused:?}"
    );
    let limited = provider.send_message(message(RATE_LIMITED_TO)).await.unwrap_err();
    assert!(matches!(limited, ProviderError::Unavailable(_)), "{limited:?}");
    // A 500 may have sent: outcome unknown, never "try again".
    let unknown = provider.send_message(message(SERVER_ERROR_TO)).await.unwrap_err();
    assert!(matches!(unknown, ProviderError::Unknown(_)), "{unknown:?}");

    // Wrong credentials: Twilio's 401 is a refusal with its code.
    let wrong =
        TwilioProvider::new(TwilioConfig { auth_token: Secret::new("not-the-token"), ..fake.config() }, PUBLIC_URL)
            .unwrap();
    let denied = wrong.send_message(message("+14155550199")).await.unwrap_err();
    assert!(matches!(denied, ProviderError::Rejected { code: Some(20003), .. }), "{denied:?}");
}

#[actix_web::test]
async fn nothing_listening_is_unavailable() {
    // A port that was free a moment ago: the connection is refused, nothing was sent.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = TwilioConfig {
        account_sid: ACCOUNT_SID.to_owned(),
        auth_token: Secret::new(AUTH_TOKEN),
        api_base: format!("http://127.0.0.1:{port}"),
    };
    let provider = TwilioProvider::new(config, PUBLIC_URL).unwrap();
    let error = provider.send_message(message("+14155550199")).await.unwrap_err();
    assert!(matches!(error, ProviderError::Unavailable(_)), "{error:?}");
}

#[actix_web::test]
async fn provisioning_searches_then_buys_with_our_webhook() {
    let fake = FakeTwilio::start();
    let request = ProvisionRequest {
        country: "US".to_owned(),
        area_code: Some("415".to_owned()),
        friendly_name: "West outreach".to_owned(),
    };
    let number = fake.provider().provision_number(request).await.unwrap();
    assert_eq!(number.e164, "+14155550123");
    assert!(number.provider_sid.starts_with("PN") && number.provider_sid.len() == 34, "{number:?}");
    assert_eq!(number.number_type, NumberType::LongCode);

    let received = fake.received();
    assert_eq!(received.len(), 2, "{received:?}");
    let search = &received[0];
    assert_eq!(search.method, "GET");
    assert_eq!(search.path, format!("/2010-04-01/Accounts/{ACCOUNT_SID}/AvailablePhoneNumbers/US/Local.json"));
    assert_eq!(search.query_field("AreaCode"), Some("415"));
    assert_eq!(search.query_field("SmsEnabled"), Some("true"));
    assert_eq!(search.credentials, Some((ACCOUNT_SID.to_owned(), AUTH_TOKEN.to_owned())));
    let purchase = &received[1];
    assert_eq!(purchase.method, "POST");
    assert_eq!(purchase.path, format!("/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers.json"));
    assert_eq!(purchase.field("PhoneNumber"), Some("+14155550123"));
    assert_eq!(purchase.field("FriendlyName"), Some("West outreach"));
    assert_eq!(
        purchase.field("SmsUrl"),
        Some("https://tidings.example.edu/webhooks/twilio/inbound#rc=5&rp=ct,rt,5xx"),
        "with retries on timeouts and 5xx"
    );
    assert_eq!(purchase.field("SmsMethod"), Some("POST"));
    assert_eq!(purchase.credentials, Some((ACCOUNT_SID.to_owned(), AUTH_TOKEN.to_owned())));
}

#[actix_web::test]
async fn an_area_code_without_numbers_falls_back_to_the_country() {
    let fake = FakeTwilio::start();
    let request = ProvisionRequest {
        country: "us".to_owned(),
        area_code: Some(EMPTY_AREA.to_owned()),
        friendly_name: "Anywhere".to_owned(),
    };
    let number = fake.provider().provision_number(request).await.unwrap();
    assert_eq!(number.e164, "+12125550100");
    let searches: Vec<_> = fake.received().into_iter().filter(|r| r.method == "GET").collect();
    assert_eq!(searches.len(), 2);
    assert_eq!(searches[1].query_field("AreaCode"), None);
}

#[actix_web::test]
async fn a_number_sold_from_under_us_moves_on_to_the_next_candidate() {
    let fake = FakeTwilio::start();
    let request = ProvisionRequest {
        country: "US".to_owned(),
        area_code: Some("333".to_owned()),
        friendly_name: "East".to_owned(),
    };
    let number = fake.provider().provision_number(request).await.unwrap();
    assert_eq!(number.e164, "+13335550124");
    let purchases: Vec<_> = fake.received().into_iter().filter(|r| r.method == "POST").collect();
    assert_eq!(purchases.len(), 2);
    assert_eq!(purchases[0].field("PhoneNumber"), Some(TAKEN_NUMBER));
}

#[actix_web::test]
async fn a_release_twilio_fails_is_worth_retrying() {
    // Releasing twice is harmless (404 is success), so a 500 is "try again", not unknown.
    let fake = FakeTwilio::start();
    let error = fake.provider().release_number(BROKEN_SID).await.unwrap_err();
    assert!(matches!(error, ProviderError::Unavailable(_)), "{error:?}");
}

#[actix_web::test]
async fn releasing_deletes_and_an_already_released_number_is_fine() {
    let fake = FakeTwilio::start();
    let provider = fake.provider();
    let number_sid = "PN0123456789abcdef0123456789abcdef";
    provider.release_number(number_sid).await.unwrap();
    // Twilio answers 404 the second time: already gone is what we wanted.
    provider.release_number(number_sid).await.unwrap();

    let received = fake.received();
    assert_eq!(received.len(), 2);
    for request in &received {
        assert_eq!(request.method, "DELETE");
        assert_eq!(request.path, format!("/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers/{number_sid}.json"));
        assert_eq!(request.credentials, Some((ACCOUNT_SID.to_owned(), AUTH_TOKEN.to_owned())));
    }
    // A sid that could escape the path is refused before any request.
    let error = provider.release_number("../Messages").await.unwrap_err();
    assert!(matches!(error, ProviderError::Rejected { .. }), "{error:?}");
    assert_eq!(fake.received().len(), 2);
}

#[actix_web::test]
async fn the_server_started_with_twilio_buys_numbers_from_twilio() {
    let fake = FakeTwilio::start();
    let app = TestApp::spawn_with(TestOptions { twilio: Some(fake.config()), ..TestOptions::default() }).await;
    assert_eq!(app.app_state.provider.name(), "twilio");
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let (_, me) = app.get("/api/v1/me", &admin).await;
    assert_eq!(me["simulator"], false, "no made-up replies against Twilio");

    let (status, number) = app
        .post(
            "/api/v1/phone-numbers",
            &admin,
            json!({"mode": "provision", "name": "West outreach", "office_id": org.offices[1], "area_code": "415"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{number}");
    assert_eq!(number["e164"], "+14155550123");
    assert_eq!(number["number_type"], "long_code");
    assert_eq!(number["kind"], "reusable");

    let purchases: Vec<_> =
        fake.received().into_iter().filter(|r| r.path.ends_with("/IncomingPhoneNumbers.json")).collect();
    assert_eq!(purchases.len(), 1, "{purchases:?}");
    assert_eq!(purchases[0].field("PhoneNumber"), Some("+14155550123"));
    assert_eq!(purchases[0].field("FriendlyName"), Some("West outreach"));
    // The harness's public URL.
    assert_eq!(purchases[0].field("SmsUrl"), Some("http://127.0.0.1:8080/webhooks/twilio/inbound#rc=5&rp=ct,rt,5xx"));
    let sid = purchases[0].credentials.clone();
    assert_eq!(sid, Some((ACCOUNT_SID.to_owned(), AUTH_TOKEN.to_owned())));
    let (status, read) = app.get(&format!("/api/v1/phone-numbers/{}", number["id"]), &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(read["provider_sid"].as_str().unwrap().starts_with("PN"), "{read}");
}

#[actix_web::test]
async fn only_a_number_the_twilio_account_holds_is_registered_and_other_organisations_stay_unseen() {
    let fake = FakeTwilio::start();
    let app = TestApp::spawn_with(TestOptions { twilio: Some(fake.config()), ..TestOptions::default() }).await;
    let org = app.seed_default_org("alpha");
    let admin = app.login("admin@alpha.test").await;
    let register = |e164: &'static str, office: i64| json!({"mode": "register", "name": "Front desk", "office_id": office, "e164": e164, "number_type": "long_code"});
    let (status, refused) = app.post("/api/v1/phone-numbers", &admin, register("+14155550199", org.offices[0])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not this account's number: {refused}");
    common::assert_field_error(&refused, "e164");
    let lookup =
        fake.received().into_iter().find(|r| r.method == "GET" && r.path.ends_with("/IncomingPhoneNumbers.json"));
    assert_eq!(lookup.and_then(|r| r.query_field("PhoneNumber").map(str::to_owned)).as_deref(), Some("+14155550199"));

    let (status, number) = app.post("/api/v1/phone-numbers", &admin, register(OWNED_NUMBER, org.offices[0])).await;
    assert_eq!(status, StatusCode::CREATED, "{number}");
    assert_eq!(number["provider_sid"], OWNED_SID, "the account's own sid, so releasing it works");

    // Another organisation on the same server (and Twilio account) asking for it is
    // refused exactly as a number the account does not hold.
    let other = app.seed_default_org("beta");
    let other_admin = app.login("admin@beta.test").await;
    let (status, taken) =
        app.post("/api/v1/phone-numbers", &other_admin, register(OWNED_NUMBER, other.offices[0])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{taken}");
    assert_eq!(taken, refused, "nothing tells that another organisation has it");
}

/// A server on the fake Twilio with unlimited long-code pace (the fake has no carrier
/// limits to honour), a launched campaign texting `phones`, and a manager's token.
async fn launched_through_twilio(fake: &FakeTwilio, phones: &[String]) -> (TestApp, i64, String) {
    use tidings_api::config::{DeliverySettings, SendRates};
    let delivery = DeliverySettings {
        rates: SendRates { long_code: 0.0, ..SendRates::default() },
        retry_base: chrono::Duration::seconds(30),
        ..DeliverySettings::default()
    };
    let app =
        TestApp::spawn_with(TestOptions { twilio: Some(fake.config()), delivery, ..TestOptions::default() }).await;
    app.clock.set(chrono::Utc::now());
    let org = app.seed_default_org("alpha");
    let manager = app.login("manager@alpha.test").await;
    let rows: Vec<_> = phones
        .iter()
        .enumerate()
        .map(|(i, p)| json!({"first_name": format!("C{i}"), "last_name": "T", "phone": p}))
        .collect();
    let (status, imported) = app
        .post(
            "/api/v1/contact-lists",
            &manager,
            json!({"name": "Twilio list", "office_id": org.offices[0], "rows": rows}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{imported}");
    assert_eq!(imported["report"]["imported"], phones.len(), "{imported}");
    let number = app.insert_number(
        org.id,
        org.offices[0],
        "+14155550100",
        common::NumberSpec { kind: "reusable", number_type: "long_code" },
    );
    let (status, campaign) = app
        .post(
            "/api/v1/campaigns",
            &manager,
            json!({
                "title": "Through Twilio",
                "phone_number": {"kind": "reusable", "id": number},
                "contact_list_id": imported["contact_list"]["id"],
                "message_template": "Hi {first_name}",
                "agent_ids": [org.users[2]],
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    let id = campaign["id"].as_i64().unwrap();
    let (status, launched) = app.post(&format!("/api/v1/campaigns/{id}/launch"), &manager, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{launched}");
    (app, id, manager)
}

#[actix_web::test]
async fn the_dispatcher_sends_through_twilio_and_keeps_each_answers_meaning() {
    let fake = FakeTwilio::start();
    let ok = "+12135550101".to_owned();
    let phones = [ok.clone(), INVALID_TO.to_owned(), FLAKY_TO.to_owned(), SERVER_ERROR_TO.to_owned()];
    let (app, id, manager) = launched_through_twilio(&fake, &phones).await;
    let state = app.app_state.clone();
    assert_eq!(tidings_api::jobs::dispatcher::run_until_idle(&state, "server-a").await.unwrap(), 4);

    let (_, page) = app.get(&format!("/api/v1/campaigns/{id}/messages"), &manager).await;
    let by_to = |to: &str| page["items"].as_array().unwrap().iter().find(|m| m["to"] == to).unwrap().clone();
    let accepted = by_to(&ok);
    assert_eq!(accepted["status"], "pending");
    assert!(accepted["provider_message_id"].as_str().unwrap().starts_with("SM"));
    let refused = by_to(INVALID_TO);
    assert_eq!((refused["status"].as_str(), refused["error_code"].as_i64()), (Some("failed"), Some(21211)));
    let limited = by_to(FLAKY_TO);
    assert_eq!((limited["status"].as_str(), limited["retrying"].as_bool()), (Some("queued"), Some(true)), "{limited}");
    let unknown = by_to(SERVER_ERROR_TO);
    assert_eq!(unknown["status"], "unknown", "a 500 may have sent it: never resent");

    app.clock.advance(chrono::Duration::seconds(31));
    assert_eq!(tidings_api::jobs::dispatcher::run_until_idle(&state, "server-a").await.unwrap(), 1);
    let (_, page) = app.get(&format!("/api/v1/campaigns/{id}/messages"), &manager).await;
    let limited = page["items"].as_array().unwrap().iter().find(|m| m["to"] == FLAKY_TO).unwrap().clone();
    assert_eq!((limited["status"].as_str(), limited["attempts"].as_i64()), (Some("pending"), Some(2)), "{limited}");

    let sends: Vec<Received> = fake.received().into_iter().filter(|r| r.path.ends_with("/Messages.json")).collect();
    let to_count = |to: &str| sends.iter().filter(|r| r.field("To") == Some(to)).count();
    assert_eq!((to_count(&ok), to_count(INVALID_TO), to_count(FLAKY_TO), to_count(SERVER_ERROR_TO)), (1, 1, 2, 1));
    assert_eq!(sends[0].field("From"), Some("+14155550100"));
    assert_eq!(sends[0].field("StatusCallback"), Some("http://127.0.0.1:8080/webhooks/twilio/status"));
    let (_, campaign) = app.get(&format!("/api/v1/campaigns/{id}"), &manager).await;
    let counts = &campaign["send_counts"];
    assert_eq!(
        (counts["pending"].as_i64(), counts["failed"].as_i64(), counts["unknown"].as_i64()),
        (Some(2), Some(1), Some(1))
    );
}

/// The whole send path (claim, commit `sending`, the HTTP call, record) against the
/// loopback fake, unpaced: prints the rate for the closing note, checks every contact
/// got exactly one message.
#[actix_web::test]
async fn the_dispatcher_sends_a_thousand_messages_through_twilio_once_each() {
    let fake = FakeTwilio::start();
    let phones: Vec<String> = (0..1000).map(|i| format!("+1415{:07}", 3_000_000 + i)).collect();
    let (app, _, _) = launched_through_twilio(&fake, &phones).await;
    let started = Instant::now();
    let sent = tidings_api::jobs::dispatcher::run_until_idle(&app.app_state, "server-a").await.unwrap();
    let elapsed = started.elapsed();
    eprintln!(
        "dispatched {sent} messages to the fake Twilio in {elapsed:?}: {:.0} messages/s",
        sent as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(sent, 1000);
    let recipients: HashSet<String> = fake
        .received()
        .into_iter()
        .filter(|r| r.path.ends_with("/Messages.json"))
        .map(|r| r.field("To").unwrap().to_owned())
        .collect();
    assert_eq!(recipients.len(), 1000);
}

/// Informational, not a check: how fast sequential sends go against the loopback fake
/// (the client's own overhead; real Twilio adds network latency and per-sender rates).
#[actix_web::test]
async fn sequential_send_rate_against_the_fake() {
    let fake = FakeTwilio::start();
    let provider = fake.provider();
    let sends = 500;
    let started = Instant::now();
    for _ in 0..sends {
        provider.send_message(message("+14155550199")).await.unwrap();
    }
    let elapsed = started.elapsed();
    eprintln!(
        "{sends} sequential sends to the fake Twilio in {elapsed:?}: {:.0} sends/s",
        f64::from(sends) / elapsed.as_secs_f64()
    );
    assert_eq!(fake.received().len(), 500);
}

#[actix_web::test]
async fn a_send_past_the_timeout_is_unknown_and_twilio_is_asked_whether_it_went_out() {
    use tidings_api::providers::{ProviderError, SentQuery};
    let fake = FakeTwilio::start();
    let impatient = TwilioProvider::with_timeout(fake.config(), PUBLIC_URL, std::time::Duration::from_secs(1)).unwrap();
    let Err(ProviderError::Unknown(_)) = impatient.send_message(message(SLOW_TO)).await else {
        panic!("a send without an answer in time may have gone out: unknown")
    };
    let query = |provider_message_id: Option<String>, body: &str| SentQuery {
        provider_message_id,
        to: SLOW_TO.to_owned(),
        from: "+14155550100".to_owned(),
        body: body.to_owned(),
    };
    // By recipient, sender and body: it went out — though Twilio still queues it, with
    // no send date yet.
    let found = fake.provider().find_sent_message(query(None, &message(SLOW_TO).body)).await.unwrap();
    let found = found.expect("Twilio has it");
    assert!(found.provider_message_id.starts_with("SM"));
    let listing = fake.received().into_iter().rfind(|r| r.method == "GET").unwrap();
    assert_eq!(listing.path, format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"));
    assert_eq!(listing.query_field("To"), Some(SLOW_TO));
    assert_eq!(listing.query_field("From"), Some("+14155550100"));
    // Another body is another message: not this one.
    assert_eq!(fake.provider().find_sent_message(query(None, "something else")).await.unwrap(), None);
    // Not on a full page of other messages: Twilio cannot tell (asked again later), which
    // is not the same as "never sent".
    let crowded = SentQuery { to: CROWDED_TO.to_owned(), ..query(None, "Hello") };
    let Err(ProviderError::Unavailable(why)) = fake.provider().find_sent_message(crowded).await else {
        panic!("a full page without the message cannot tell whether it went out")
    };
    assert!(why.contains("1000"), "{why}");
    // By its sid.
    let by_sid = fake.provider().find_sent_message(query(Some(found.provider_message_id.clone()), "")).await.unwrap();
    assert_eq!(by_sid.map(|m| m.provider_message_id), Some(found.provider_message_id));
    let missing = "SM00000000000000000000000000000000".to_owned();
    assert_eq!(fake.provider().find_sent_message(query(Some(missing), "")).await.unwrap(), None);
}
