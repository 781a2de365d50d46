//! The labelled text input and drop-down the management forms share, with the API's
//! reasons under them. One component rather than a dozen hand-written copies keeps
//! the wasm small: each distinct `view!` tree is compiled separately.

use leptos::prelude::*;

use crate::feedback::FieldErrors;

#[component]
pub fn TextField(
    id: &'static str,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    /// The reasons the API gave for this field.
    errors: Signal<Vec<String>>,
    /// The input's `type`: `text` unless given (`email`, `password`, `tel`…).
    #[prop(optional)]
    kind: Option<&'static str>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] maxlength: Option<usize>,
    /// The id of a `<datalist>` of suggestions.
    #[prop(optional)]
    suggestions: Option<&'static str>,
    #[prop(optional)] disabled: bool,
) -> impl IntoView {
    let errors_id = format!("{id}-errors");
    view! {
        <div class="form-field">
            <label for=id>{label}</label>
            <input
                id=id
                type=kind.unwrap_or("text")
                autocomplete=if kind == Some("password") { "new-password" } else { "off" }
                placeholder=placeholder
                maxlength=maxlength.map(|n| n.to_string())
                list=suggestions
                disabled=disabled
                aria-describedby=errors_id.clone()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <FieldErrors id=errors_id reasons=errors/>
        </div>
    }
}

/// A labelled drop-down of `options` (value, label); `value` holds the chosen value.
#[component]
pub fn SelectField(
    id: &'static str,
    label: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    value: RwSignal<String>,
    /// The reasons the API gave for this field.
    errors: Signal<Vec<String>>,
) -> impl IntoView {
    let errors_id = format!("{id}-errors");
    view! {
        <div class="form-field">
            <label for=id>{label}</label>
            <select id=id aria-describedby=errors_id.clone() on:change=move |ev| value.set(event_target_value(&ev))>
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(option, text)| {
                            let this = option.clone();
                            view! { <option value=option prop:selected=move || *value.read() == this>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <FieldErrors id=errors_id reasons=errors/>
        </div>
    }
}
