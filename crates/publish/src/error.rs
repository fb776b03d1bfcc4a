//! Error pages and JSON errors.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;

/// A failed page request: rendered as an HTML error page.
#[derive(Debug)]
pub(crate) struct PageError {
    pub status: StatusCode,
    pub message: String,
    pub site_title: String,
}

impl PageError {
    pub fn not_found(site_title: &str, message: impl Into<String>) -> Self {
        PageError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
            site_title: site_title.to_string(),
        }
    }

    /// Log the cause; the page only says that something went wrong.
    pub fn internal(site_title: &str, cause: impl std::fmt::Display) -> Self {
        tracing::error!("page failed: {cause}");
        PageError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message:
                "Something went wrong on our side while building this page. Please try again later."
                    .to_string(),
            site_title: site_title.to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    site_title: &'a str,
    heading: &'a str,
    message: &'a str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let heading = if self.status == StatusCode::NOT_FOUND {
            "Page not found"
        } else {
            "Server error"
        };
        let page = ErrorPage {
            site_title: &self.site_title,
            heading,
            message: &self.message,
        };
        match page.render() {
            Ok(body) => (self.status, Html(body)).into_response(),
            Err(e) => {
                tracing::error!("error page failed to render: {e}");
                (self.status, heading.to_string()).into_response()
            }
        }
    }
}

/// A failed API request: `{"error": "..."}` with a status.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!("api request failed: {cause}");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "internal error".to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(serde_json::json!({ "error": self.message })),
        )
            .into_response()
    }
}
