//! Password hashing with Argon2id (the crate's defaults follow OWASP's guidance).

use std::sync::OnceLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Hashes a password into a PHC string.
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| format!("password hashing failed: {e}"))
}

/// Whether `password` matches the stored PHC `hash`. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Spends the same time as a real verification, for unknown accounts, so response
/// times do not reveal which emails exist.
pub fn verify_against_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("dummy password for timing").unwrap_or_default());
    let _ = verify_password(password, hash);
}

/// How many sign-ins may wait for a hashing worker before more are turned away.
pub const MAX_WAITING: usize = 64;

/// The hashing workers: password checks and hashes run here, a bounded number at a
/// time, on blocking threads and holding no database connection. A flood of sign-ins
/// then costs at most these workers' cores, waits in a bounded queue, and past it is
/// answered 503 at once, while the rest of the API, the webhooks and the dispatcher go
/// on.
#[derive(Debug)]
pub struct PasswordWorkers {
    slots: tokio::sync::Semaphore,
    waiting: std::sync::atomic::AtomicUsize,
}

impl PasswordWorkers {
    pub fn new(workers: usize) -> PasswordWorkers {
        PasswordWorkers {
            slots: tokio::sync::Semaphore::new(workers.max(1)),
            waiting: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Runs `work` (a hash or a check) on a worker once one is free.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, crate::error::ApiError> {
        use std::sync::atomic::Ordering;
        let busy = || crate::error::ApiError::unavailable_for(1, "Too many sign-ins at once: try again in a moment.");
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(busy());
        }
        let slot = self.slots.acquire().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let _slot = slot.map_err(|_| busy())?;
        actix_web::web::block(work).await.map_err(|_| crate::error::ApiError::internal("a password worker stopped"))
    }

    /// Hashes `password` on a worker.
    pub async fn hash(&self, password: String) -> Result<String, crate::error::ApiError> {
        self.run(move || hash_password(&password)).await?.map_err(crate::error::ApiError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let Ok(hash) = hash_password("correct horse battery") else { panic!("hash") };
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[actix_web::test]
    async fn past_the_waiting_room_work_is_turned_away_at_once() {
        use std::sync::atomic::Ordering;
        use std::sync::Arc;
        use std::time::Duration;
        let workers = Arc::new(PasswordWorkers::new(1));
        let (release, gate) = std::sync::mpsc::channel::<()>();
        let holder = workers.clone();
        let busy = actix_web::rt::spawn(async move { holder.run(move || gate.recv().is_ok()).await });
        while workers.slots.available_permits() > 0 {
            actix_web::rt::time::sleep(Duration::from_millis(1)).await;
        }
        let waiting: Vec<_> = (0..MAX_WAITING)
            .map(|_| {
                let workers = workers.clone();
                actix_web::rt::spawn(async move { workers.run(|| ()).await })
            })
            .collect();
        while workers.waiting.load(Ordering::SeqCst) < MAX_WAITING {
            actix_web::rt::time::sleep(Duration::from_millis(1)).await;
        }
        let Err(refused) = workers.run(|| ()).await else { panic!("the room is full") };
        assert_eq!(refused.status(), actix_web::http::StatusCode::SERVICE_UNAVAILABLE);
        assert!(release.send(()).is_ok());
        assert!(matches!(busy.await, Ok(Ok(true))));
        for waiter in waiting {
            assert!(matches!(waiter.await, Ok(Ok(()))), "those who waited are served");
        }
    }
}
