//! A list the API answers page by page (`items` + `next_cursor`), shown with a "Load
//! more" button: the first page again whenever what it lists changes, later pages
//! appended.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::feedback::{ErrorPanel, Loading};

/// What is shown so far, where the next page starts, and the latest request's state.
pub struct Paged<T: Send + Sync + 'static> {
    pub items: RwSignal<Vec<T>>,
    pub next: RwSignal<Option<String>>,
    pub loading: RwSignal<bool>,
    pub error: RwSignal<Option<ApiError>>,
    /// Bumped by every first-page load, so a slow answer for an earlier search or office
    /// never lands in a newer list.
    generation: StoredValue<u32>,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: Send + Sync + 'static> Paged<T> {
    pub fn new() -> Self {
        Paged {
            items: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            loading: RwSignal::new(true),
            error: RwSignal::new(None),
            generation: StoredValue::new(0),
        }
    }

    /// Loads the first page (`cursor` `None`, replacing what is shown) or the next one.
    pub fn load<F>(self, from_start: bool, fetch: impl FnOnce(Option<String>) -> F)
    where
        F: Future<Output = Result<(Vec<T>, Option<String>), ApiError>> + 'static,
    {
        if from_start {
            self.generation.update_value(|g| *g += 1);
        }
        let generation = self.generation.get_value();
        let cursor = if from_start { None } else { self.next.get_untracked() };
        self.loading.set(true);
        self.error.set(None);
        let request = fetch(cursor);
        spawn_local(async move {
            let answer = request.await;
            // The page may be gone, or a newer first page asked for.
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
            match answer {
                Ok((items, next)) => {
                    if from_start {
                        self.items.set(items);
                    } else {
                        self.items.update(|shown| shown.extend(items));
                    }
                    self.next.set(next);
                }
                Err(error) => self.error.set(Some(error)),
            }
            self.loading.set(false);
        });
    }
}

/// Under the list: the spinner, the failure (with a retry), or the "Load more" button.
#[component]
pub fn PageEnd(
    #[prop(into)] loading: Signal<bool>,
    #[prop(into)] error: Signal<Option<ApiError>>,
    #[prop(into)] has_more: Signal<bool>,
    #[prop(into)] what: String,
    load_more: Callback<()>,
    retry: Callback<()>,
) -> impl IntoView {
    move || {
        if let Some(error) = error.get() {
            view! {
                <ErrorPanel title=format!("The {what} could not be loaded") message=error.user_message() retry/>
            }
            .into_any()
        } else if loading.get() {
            view! { <Loading label=format!("Loading {what}…")/> }.into_any()
        } else if has_more.get() {
            view! {
                <div class="load-more">
                    <button type="button" class="button" on:click=move |_| load_more.run(())>"Load more"</button>
                </div>
            }
            .into_any()
        } else {
            ().into_any()
        }
    }
}

/// Under a [`Paged`] list: `empty` when the answer had nothing, then [`PageEnd`].
/// `load` loads again: `true` from the first page, `false` the next one.
#[component]
pub fn PagedFooter<T: Send + Sync + 'static>(
    paged: Paged<T>,
    empty: &'static str,
    #[prop(into)] what: String,
    load: Callback<bool>,
) -> impl IntoView {
    let nothing = move || !paged.loading.get() && paged.error.read().is_none() && paged.items.read().is_empty();
    view! {
        <Show when=nothing>
            <p class="muted empty">{empty}</p>
        </Show>
        <PageEnd
            loading=paged.loading
            error=paged.error
            has_more=Signal::derive(move || paged.next.read().is_some())
            what
            load_more=Callback::new(move |()| load.run(false))
            retry=Callback::new(move |()| load.run(paged.items.read_untracked().is_empty()))
        />
    }
}
