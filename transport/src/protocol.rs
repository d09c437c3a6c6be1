//! The few commands of the `Browser`, `Target` and `Page` domains that driving a browser needs,
//! written by hand.
//!
//! They exist because the default bindings (`cdp-bindings`) hold only the `BackgroundService`
//! domain, while launching, opening a page and attaching to it need these. They follow the
//! generated code's shape (`XParams::new` with the required fields, chainable setters for the
//! optional ones, `XReturns`, newtypes for ids) and keep only the fields used here, so that
//! they can be replaced by the generated ones once the full protocol is built (another issue),
//! by changing paths only. The recorder and the end-to-end tests share them from here.

use serde::{Deserialize, Serialize};

use cdp_runtime::Command;

/// The `Browser` domain.
pub mod browser {
    use super::*;

    /// `Browser.getVersion`: the browser's version information.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
    pub struct GetVersionParams {}

    impl GetVersionParams {
        /// The command (it has no params).
        pub fn new() -> Self {
            Self {}
        }
    }

    /// What `Browser.getVersion` returns.
    #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct GetVersionReturns {
        /// The protocol version, e.g. `"1.3"`.
        #[serde(rename = "protocolVersion")]
        pub protocol_version: String,
        /// The product name, e.g. `"Chrome/156.0.8078.79"`.
        pub product: String,
        /// The product revision.
        pub revision: String,
        /// The user agent.
        #[serde(rename = "userAgent")]
        pub user_agent: String,
        /// The V8 version.
        #[serde(rename = "jsVersion")]
        pub js_version: String,
    }

    impl Command for GetVersionParams {
        const METHOD: &'static str = "Browser.getVersion";
        type Response = GetVersionReturns;
    }

    /// `Browser.close`: closes the browser gracefully.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
    pub struct CloseParams {}

    impl CloseParams {
        /// The command (it has no params).
        pub fn new() -> Self {
            Self {}
        }
    }

    /// What `Browser.close` returns (nothing).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
    pub struct CloseReturns {}

    impl Command for CloseParams {
        const METHOD: &'static str = "Browser.close";
        type Response = CloseReturns;
    }
}

/// The `Target` domain.
pub mod target {
    use super::*;

    /// `Target.TargetID`.
    #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct TargetId(pub String);

    /// `Target.SessionID`: the id of a flattened session, sent as `sessionId` with each of
    /// its messages.
    #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct SessionId(pub String);

    /// `Target.createTarget`: opens a new page (a tab).
    #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct CreateTargetParams {
        /// The URL the page opens with, e.g. `"about:blank"`.
        pub url: String,
    }

    impl CreateTargetParams {
        /// Opens `url` in a new page.
        pub fn new(url: impl Into<String>) -> Self {
            Self { url: url.into() }
        }
    }

    /// What `Target.createTarget` returns.
    #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct CreateTargetReturns {
        /// The new page.
        #[serde(rename = "targetId")]
        pub target_id: TargetId,
    }

    impl Command for CreateTargetParams {
        const METHOD: &'static str = "Target.createTarget";
        type Response = CreateTargetReturns;
    }

    /// `Target.attachToTarget`: opens a session on a target.
    #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct AttachToTargetParams {
        /// The target to attach to.
        #[serde(rename = "targetId")]
        pub target_id: TargetId,
        /// `true` for the flattened session model: the session's messages travel on this
        /// connection, marked with their `sessionId`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub flatten: Option<bool>,
    }

    impl AttachToTargetParams {
        /// Attaches to `target_id`.
        pub fn new(target_id: impl Into<TargetId>) -> Self {
            Self {
                target_id: target_id.into(),
                flatten: None,
            }
        }

        /// Sets `flatten`.
        pub fn flatten(mut self, flatten: impl Into<bool>) -> Self {
            self.flatten = Some(flatten.into());
            self
        }
    }

    /// What `Target.attachToTarget` returns.
    #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct AttachToTargetReturns {
        /// The new session.
        #[serde(rename = "sessionId")]
        pub session_id: SessionId,
    }

    impl Command for AttachToTargetParams {
        const METHOD: &'static str = "Target.attachToTarget";
        type Response = AttachToTargetReturns;
    }

    /// `Target.closeTarget`: closes a page.
    #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct CloseTargetParams {
        /// The target to close.
        #[serde(rename = "targetId")]
        pub target_id: TargetId,
    }

    impl CloseTargetParams {
        /// Closes `target_id`.
        pub fn new(target_id: impl Into<TargetId>) -> Self {
            Self {
                target_id: target_id.into(),
            }
        }
    }

    /// What `Target.closeTarget` returns.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
    pub struct CloseTargetReturns {
        /// Always `true` (deprecated by the protocol, still sent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub success: Option<bool>,
    }

    impl Command for CloseTargetParams {
        const METHOD: &'static str = "Target.closeTarget";
        type Response = CloseTargetReturns;
    }

    impl From<String> for TargetId {
        fn from(value: String) -> Self {
            Self(value)
        }
    }

    impl From<&str> for TargetId {
        fn from(value: &str) -> Self {
            Self(value.to_owned())
        }
    }
}

/// The `Page` domain.
pub mod page {
    use super::*;

    /// `Page.FrameId`.
    #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct FrameId(pub String);

    /// `Page.enable`: turns on the page's events.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
    pub struct EnableParams {}

    impl EnableParams {
        /// The command (it has no params).
        pub fn new() -> Self {
            Self {}
        }
    }

    /// What `Page.enable` returns (nothing).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
    pub struct EnableReturns {}

    impl Command for EnableParams {
        const METHOD: &'static str = "Page.enable";
        type Response = EnableReturns;
    }

    /// `Page.navigate`: loads a URL in the page.
    #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct NavigateParams {
        /// The URL to load.
        pub url: String,
    }

    impl NavigateParams {
        /// Loads `url`.
        pub fn new(url: impl Into<String>) -> Self {
            Self { url: url.into() }
        }
    }

    /// What `Page.navigate` returns.
    #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct NavigateReturns {
        /// The frame that navigated.
        #[serde(rename = "frameId")]
        pub frame_id: FrameId,
        /// The loader, absent for a same-document navigation.
        #[serde(rename = "loaderId", default, skip_serializing_if = "Option::is_none")]
        pub loader_id: Option<String>,
        /// Why the navigation failed, e.g. `"net::ERR_CONNECTION_REFUSED"`.
        #[serde(rename = "errorText", default, skip_serializing_if = "Option::is_none")]
        pub error_text: Option<String>,
    }

    impl Command for NavigateParams {
        const METHOD: &'static str = "Page.navigate";
        type Response = NavigateReturns;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdp_runtime::encode_request;

    #[test]
    fn commands_encode_as_the_protocol_names_them() {
        assert_eq!(
            encode_request(1, None, &browser::GetVersionParams::new()),
            r#"{"id":1,"method":"Browser.getVersion","params":{}}"#
        );
        assert_eq!(
            encode_request(
                2,
                None,
                &target::AttachToTargetParams::new("T").flatten(true)
            ),
            r#"{"id":2,"method":"Target.attachToTarget","params":{"targetId":"T","flatten":true}}"#
        );
        assert_eq!(
            encode_request(
                3,
                Some("S"),
                &page::NavigateParams::new("http://127.0.0.1/")
            ),
            r#"{"id":3,"method":"Page.navigate","params":{"url":"http://127.0.0.1/"},"sessionId":"S"}"#
        );
    }

    #[test]
    fn returns_decode_from_what_chromium_sends() {
        let version: browser::GetVersionReturns = serde_json::from_str(
            r#"{"protocolVersion":"1.3","product":"Chrome/156.0.8078.79","revision":"@a21c","userAgent":"Mozilla/5.0","jsVersion":"15.6.75.27"}"#,
        )
        .unwrap();
        assert_eq!(version.product, "Chrome/156.0.8078.79");
        let navigated: page::NavigateReturns =
            serde_json::from_str(r#"{"frameId":"F","loaderId":"L"}"#).unwrap();
        assert_eq!(navigated.error_text, None);
    }
}
