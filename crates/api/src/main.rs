//! The `tidings` command: serve, migrate, openapi, seed-demo, create-org.

use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::sync::Arc;

use base64::Engine;
use clap::{Parser, Subcommand};
use rand::RngCore;
use tidings_api::app::Application;
use tidings_api::clock::SystemClock;
use tidings_api::config::{DatabaseArgs, LogFormat, ServeArgs};
use tidings_api::db::connection::{build_pool, run_migrations};
use tidings_api::demo::{seed_demo, DEMO_USERS};
use tidings_api::openapi::openapi_json;
use tidings_api::services::organisations::{create_organisation, NewStaff};
use tidings_api::telemetry;
use tidings_domain::Role;

#[derive(Parser)]
#[command(name = "tidings", version, about = "Two-way SMS campaigns for organisations with many offices")]
struct Cli {
    /// `text` or `json` log lines.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value = "text", global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the API and the web app.
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations and exit.
    Migrate(DatabaseArgs),
    /// Print the OpenAPI document (or write it to --output).
    Openapi {
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
    /// Create the demo organisation "Demo College" (once) and print its logins.
    SeedDemo {
        #[command(flatten)]
        database: DatabaseArgs,
        /// One password for every demo user; random (printed once) when unset.
        #[arg(long, env = "TIDINGS_DEMO_PASSWORD", hide_env_values = true)]
        demo_password: Option<String>,
    },
    /// Create a real organisation with its first office and administrator (no demo data).
    CreateOrg {
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long, default_value = "Administrator")]
        admin_name: String,
        #[arg(long, default_value = "Main Office")]
        office_name: String,
        /// IANA time zone of the first office.
        #[arg(long, default_value = "America/New_York")]
        time_zone: String,
        /// The administrator's password; prompted for on stdin when unset.
        #[arg(long, env = "TIDINGS_ADMIN_PASSWORD", hide_env_values = true)]
        admin_password: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    let result = match cli.command {
        Command::Serve(args) => serve(*args),
        Command::Migrate(database) => migrate(&database),
        Command::Openapi { output } => openapi(output),
        Command::SeedDemo { database, demo_password } => seed(&database, demo_password),
        Command::CreateOrg { database, name, admin_email, admin_name, office_name, time_zone, admin_password } => {
            create_org(&database, &name, &admin_email, &admin_name, &office_name, &time_zone, admin_password)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            let _ = writeln!(std::io::stderr(), "error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn say(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

fn serve(args: ServeArgs) -> Result<(), String> {
    let config = args.into_config().map_err(|e| e.to_string())?;
    tracing::info!(database = %config.database.describe(), bind = %config.bind, provider = ?config.provider, "starting");
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config, Arc::new(SystemClock))?;
        let url = app.state().config.public_url.clone();
        say(&format!(
            "Tidings is serving on http://{} (public URL {url}); API docs at /api/docs",
            app.state().config.bind.ip().to_string() + ":" + &app.port().to_string()
        ));
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}

fn migrate(database: &DatabaseArgs) -> Result<(), String> {
    let target = database.target().map_err(|e| e.to_string())?;
    let pool = build_pool(&target, 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let applied = run_migrations(&mut conn).map_err(|e| e.to_string())?;
    say(&format!("{applied} migration(s) applied to {}", target.describe()));
    Ok(())
}

fn openapi(output: Option<std::path::PathBuf>) -> Result<(), String> {
    let json = openapi_json().map_err(|e| e.to_string())?;
    match output {
        Some(path) => std::fs::write(&path, json).map_err(|e| format!("could not write {}: {e}", path.display())),
        None => {
            let _ = std::io::stdout().lock().write_all(json.as_bytes());
            Ok(())
        }
    }
}

fn seed(database: &DatabaseArgs, password: Option<String>) -> Result<(), String> {
    let target = database.target().map_err(|e| e.to_string())?;
    let pool = build_pool(&target, 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    run_migrations(&mut conn).map_err(|e| e.to_string())?;
    let generated = password.is_none();
    let password = password.unwrap_or_else(random_password);
    match seed_demo(&mut conn, &SystemClock, &password).map_err(|e| e.problem().user_message())? {
        None => say("The demo organisation already exists; its logins are unchanged."),
        Some(_) => {
            say("Demo organisation \"Demo College\" created. Sign in with:");
            for (email, name, role) in DEMO_USERS {
                say(&format!("  {email:<20} {name:<16} {}", role.label()));
            }
            if generated {
                say(&format!("  password (shown once): {password}"));
            } else {
                say("  password: the value of TIDINGS_DEMO_PASSWORD");
            }
        }
    }
    Ok(())
}

fn random_password() -> String {
    let mut bytes = [0_u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn create_org(
    database: &DatabaseArgs,
    name: &str,
    admin_email: &str,
    admin_name: &str,
    office_name: &str,
    time_zone: &str,
    password: Option<String>,
) -> Result<(), String> {
    let password = match password {
        Some(password) => password,
        None => {
            let _ = write!(std::io::stderr(), "Password for {admin_email}: ");
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).map_err(|e| e.to_string())?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let target = database.target().map_err(|e| e.to_string())?;
    let pool = build_pool(&target, 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    run_migrations(&mut conn).map_err(|e| e.to_string())?;
    let staff = [NewStaff {
        email: admin_email,
        name: admin_name,
        password: &password,
        role: Role::Administrative,
        office: 0,
        view_other_offices: true,
    }];
    let created = create_organisation(&mut conn, &SystemClock, name, &[(office_name, time_zone)], &staff)
        .map_err(|e| e.problem().user_message())?;
    say(&format!("Organisation \"{name}\" created (id {}); sign in as {admin_email}.", created.organisation_id));
    Ok(())
}
