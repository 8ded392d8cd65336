//! The events the proxy and HTTP API modes send, built by [`crate::lambda::events`] with this
//! run's identifiers (so `requestContext.requestId` is the id the console log prints).

use crate::lambda::events::{self, EventContext};
use crate::scenario::Scenario;
use crate::trace::Mode;

use super::{ACCOUNT_ID, Run, STAGE};

/// The REST proxy event (payload format 1.0), as JSON text.
pub fn proxy_event(run: &Run, scenario: &Scenario) -> String {
    let ctx = EventContext {
        request_id: run.ids.gateway_request.clone(),
        extended_request_id: run.ids.extended_request.clone(),
        time_ms: run.now as i64,
        stage: STAGE.into(),
        api_id: run.ids.api_id.clone(),
        account_id: ACCOUNT_ID.into(),
        resource_id: run.ids.resource_id.clone(),
        source_ip: "test-invoke-source-ip".into(),
    };
    events::proxy_v1(&scenario.request, &scenario.api, &ctx).to_string()
}

/// The HTTP API event (payload format 2.0), as JSON text.
pub fn http_event(run: &Run, scenario: &Scenario) -> String {
    let seed = format!("{}\u{0}{}", scenario.title, Mode::Http.key());
    let ctx = EventContext::http_api(&seed, run.now as i64);
    events::http_v2(&scenario.request, &scenario.api, &ctx).to_string()
}
