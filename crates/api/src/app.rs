//! Building and running the server: the pool, migrations, state and the actix app.
//! Tests use the same `Application::build` on port 0, so they run the real server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::{Server, Service};
use actix_web::middleware::{Compress, ErrorHandlers};
use actix_web::{web, App, HttpServer};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::jwt::TokenKeys;
use crate::auth::password::PasswordWorkers;
use crate::clock::Clock;
use crate::config::{Config, ProviderKind};
use crate::db::connection::{build_pool_waiting, run_migrations};
use crate::http;
use crate::live::EventHub;
use crate::metrics::Metrics;
use crate::openapi::ApiDoc;
use crate::providers::simulator::{Simulator, SimulatorSettings};
use crate::providers::{twilio::TwilioProvider, Provider};
use crate::spool::InboundSpool;
use crate::state::AppState;

/// A bound, not yet running, server.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

impl Application {
    /// Connects, migrates, and binds `config.bind` (port 0 picks a free port), with the
    /// provider `config.provider` names.
    pub fn build(config: Config, clock: Arc<dyn Clock>) -> Result<Self, String> {
        let provider: Arc<dyn Provider> = match (config.provider, &config.twilio) {
            (ProviderKind::Simulator, _) => Arc::new(Simulator::with_settings(SimulatorSettings {
                failure_rate: config.simulator_failure_rate,
                ..SimulatorSettings::default()
            })),
            (ProviderKind::Twilio, Some(twilio)) => Arc::new(
                TwilioProvider::with_timeout(twilio.clone(), config.public_url.clone(), config.provider_timeout)
                    .map_err(|e| format!("could not set up the Twilio client: {e}"))?,
            ),
            // `ServeArgs::into_config` refuses this; a hand-built `Config` might not.
            (ProviderKind::Twilio, None) => {
                return Err("TIDINGS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN".to_owned())
            }
        };
        Self::build_with_provider(config, clock, provider)
    }

    /// As `build`, with a given provider (tests pass a simulator they can inspect).
    pub fn build_with_provider(
        config: Config,
        clock: Arc<dyn Clock>,
        provider: Arc<dyn Provider>,
    ) -> Result<Self, String> {
        let pool = build_pool_waiting(&config.database, config.db_pool_size, config.sqlite_busy_timeout_ms)
            .map_err(|e| e.to_string())?;
        {
            let mut conn = pool.get().map_err(|e| format!("could not open the database: {e}"))?;
            let applied = run_migrations(&mut conn).map_err(|e| e.to_string())?;
            if applied > 0 {
                tracing::info!(applied, "migrations applied");
            }
        }
        let config_workers = config.password_workers;
        let state = AppState {
            events: Arc::new(EventHub::new(pool.clone())),
            spool: Arc::new(InboundSpool::new(config.inbound_spool_dir.clone())),
            pool,
            tokens: TokenKeys::new(config.jwt_secret.expose().as_bytes()),
            config: Arc::new(config),
            clock,
            passwords: Arc::new(PasswordWorkers::new(config_workers)),
            metrics: Arc::new(Metrics::default()),
            provider,
        };
        let listener = TcpListener::bind(state.config.bind)
            .map_err(|e| format!("could not listen on {}: {e}", state.config.bind))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let server = serve(listener, state.clone())?;
        if state.config.run_jobs {
            crate::jobs::spawn_all(state.clone());
        }
        // Every server replays the requests its own webhook spooled, jobs or not.
        if state.config.replay_spool {
            crate::jobs::spool_replay::spawn(state.clone());
        }
        Ok(Self { port, server, state })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Runs until SIGTERM or Ctrl-C (actix drains in-flight requests first).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        // Event streams never end by themselves; on SIGTERM (actix's graceful stop) they
        // end at once instead of holding the shutdown for its whole timeout.
        let events = self.state.events.clone();
        actix_web::rt::spawn(async move {
            graceful_stop_requested().await;
            events.close();
        });
        self.server.await
    }

    /// The server future, for tests that spawn it.
    pub fn into_server(self) -> Server {
        self.server
    }
}

/// Waits for SIGTERM; never returns where there is no such signal.
async fn graceful_stop_requested() {
    #[cfg(unix)]
    if let Ok(mut terminate) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        terminate.recv().await;
        return;
    }
    std::future::pending::<()>().await
}

fn serve(listener: TcpListener, state: AppState) -> Result<Server, String> {
    let data = web::Data::new(state);
    let openapi = ApiDoc::openapi();
    let server = HttpServer::new(move || {
        let metrics = data.metrics.clone();
        App::new()
            .app_data(data.clone())
            .wrap(ErrorHandlers::new().default_handler(http::ensure_problem_json))
            // Outside the error handlers: a replay is the answer the client first got.
            .wrap(http::idempotency::Idempotency)
            // Outside the error handlers, so refusals carry the headers too.
            .wrap(http::security_headers::security_headers(&data.config.public_url))
            .wrap(Compress::default())
            .wrap_fn(move |req, srv| {
                let started = Instant::now();
                let method = req.method().to_string();
                let metrics = metrics.clone();
                let call = srv.call(req);
                async move {
                    let res = call.await?;
                    let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
                    metrics.record(&method, &route, res.status().as_u16(), started.elapsed());
                    Ok(res)
                }
            })
            .configure(http::configure)
            .service(web::redirect("/api/docs", "/api/docs/"))
            .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", openapi.clone()))
            // Last, so it never shadows an API route.
            .default_service(web::to(http::spa::spa_fallback))
    })
    .listen(listener)
    .map_err(|e| e.to_string())?
    .shutdown_timeout(30)
    .run();
    Ok(server)
}
