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
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }

    /// Log the cause; the answer only says "internal error".
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!("api request failed: {cause}");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(serde_json::json!({ "error": self.message }));
        if self.status == StatusCode::UNAUTHORIZED {
            // RFC 6750: tell the client which scheme to use.
            return (
                self.status,
                [(
                    axum::http::header::WWW_AUTHENTICATE,
                    "Bearer realm=\"lede admin\"",
                )],
                body,
            )
                .into_response();
        }
        (self.status, body).into_response()
    }
}
