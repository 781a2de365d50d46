//! `make bench` (second part): the per-message kernels every send, import row and
//! webhook runs, in nanoseconds per operation (criterion): segment counting, template
//! rendering, the Twilio signature check, and E.164 normalisation.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use tidings_api::providers::twilio_signature::{compute_signature, is_valid_signature, signed_url};
use tidings_api::services::phones::{normalise, DefaultRegion};
use tidings_domain::segments::segment_info;
use tidings_domain::template::{render_message, MergeFields};

fn kernels(c: &mut Criterion) {
    let gsm = "Hi Ada, your Mathematics application is waiting. Reply STOP to opt out.";
    let unicode = "Hi Zoë, your application is waiting 📚 — reply STOP to opt out.";
    c.bench_function("segments, GSM-7, 72 characters", |b| b.iter(|| segment_info(black_box(gsm))));
    c.bench_function("segments, UCS-2, 62 characters", |b| b.iter(|| segment_info(black_box(unicode))));

    let fields = [("Program", "Mathematics"), ("Campus", "North")];
    let merge = MergeFields::for_contact("Ada", "Lovelace", "+12125550123", fields);
    let template = "Hi {first_name}, your {Program} application at {Campus} is waiting.";
    c.bench_function("template rendering, 3 merge fields + opt-out language", |b| {
        b.iter(|| render_message(black_box(template), &merge, Some("Reply STOP to opt out.")))
    });

    let token = "bench-auth-token-bench-auth-token";
    let path = "/webhooks/twilio/status";
    let params: Vec<(String, String)> = [
        ("AccountSid", "AC00000000000000000000000000000bench"),
        ("MessageSid", "SM0123456789abcdef0123456789abcdef"),
        ("MessageStatus", "delivered"),
        ("ApiVersion", "2010-04-01"),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_owned(), v.to_owned()))
    .collect();
    let signature = compute_signature(token, &signed_url("https://tidings.example", path), &params);
    c.bench_function("Twilio signature check, 4 parameters", |b| {
        b.iter(|| is_valid_signature(token, "https://tidings.example", path, black_box(&params), Some(&signature)))
    });

    let region = DefaultRegion::for_time_zone("America/New_York");
    c.bench_function("E.164 normalisation, US number as typed", |b| {
        b.iter(|| normalise(black_box("(917) 555-0123"), region))
    });
}

criterion_group!(benches, kernels);
criterion_main!(benches);
