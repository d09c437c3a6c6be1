//! The page's service worker, as DevTools' Service Workers pane sees it: which registration
//! serves the page's origin, and whether its worker is activated and running, so that the
//! push messages and sync events asked for (`--push`, `--sync`, `--periodic-sync`) can be sent
//! to it, with the same commands as the pane's buttons.

use std::collections::HashMap;

use crate::cdp::service_worker::{
    DeliverPushMessageParams, DispatchPeriodicSyncEventParams, DispatchSyncEventParams,
    RegistrationId, ServiceWorkerVersionRunningStatus as Running, ServiceWorkerVersionStatus,
    WorkerRegistrationUpdatedEvent, WorkerVersionUpdatedEvent,
};
use crate::cli::origin_of;

/// An event to make the page's service worker receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// `--push DATA`: a push message.
    Push(String),
    /// `--sync TAG`: a sync event.
    Sync(String),
    /// `--periodic-sync TAG`: a periodic sync event.
    PeriodicSync(String),
}

impl Trigger {
    /// The option that asks for it.
    pub fn flag(&self) -> &'static str {
        match self {
            Trigger::Push(_) => "--push",
            Trigger::Sync(_) => "--sync",
            Trigger::PeriodicSync(_) => "--periodic-sync",
        }
    }
}

/// One trigger as a command for `registration` of `origin`, as the pane sends it: a sync is
/// marked as its last chance.
pub enum TriggerCommand {
    /// `ServiceWorker.deliverPushMessage`.
    Push(DeliverPushMessageParams),
    /// `ServiceWorker.dispatchSyncEvent`.
    Sync(DispatchSyncEventParams),
    /// `ServiceWorker.dispatchPeriodicSyncEvent`.
    PeriodicSync(DispatchPeriodicSyncEventParams),
}

impl TriggerCommand {
    /// The command that sends `trigger` to `registration` of `origin`.
    pub fn new(trigger: &Trigger, origin: &str, registration: &RegistrationId) -> TriggerCommand {
        let registration = registration.clone();
        match trigger {
            Trigger::Push(data) => TriggerCommand::Push(DeliverPushMessageParams::new(
                origin,
                registration,
                data.as_str(),
            )),
            Trigger::Sync(tag) => TriggerCommand::Sync(DispatchSyncEventParams::new(
                origin,
                registration,
                tag.as_str(),
                true,
            )),
            Trigger::PeriodicSync(tag) => TriggerCommand::PeriodicSync(
                DispatchPeriodicSyncEventParams::new(origin, registration, tag.as_str()),
            ),
        }
    }
}

/// What the browser said of the service workers the page's session sees.
#[derive(Debug)]
pub struct Workers {
    /// The page's origin: only its registrations count.
    origin: String,
    /// The origin each registration serves, once it is known and not deleted.
    registrations: HashMap<RegistrationId, String>,
    /// Registrations whose worker was last seen activated and running.
    running: Vec<RegistrationId>,
}

impl Workers {
    /// Nothing seen yet, for a page of `origin`.
    pub fn new(origin: String) -> Workers {
        Workers {
            origin,
            registrations: HashMap::new(),
            running: Vec::new(),
        }
    }

    /// The page's origin.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Takes in `ServiceWorker.workerRegistrationUpdated`.
    pub fn registrations_updated(&mut self, event: &WorkerRegistrationUpdatedEvent) {
        for registration in &event.registrations {
            let id = &registration.registration_id;
            match origin_of(&registration.scope_url) {
                Some(origin) if !registration.is_deleted => {
                    self.registrations.insert(id.clone(), origin);
                }
                _ => {
                    self.registrations.remove(id);
                    self.running.retain(|running| running != id);
                }
            }
        }
    }

    /// Takes in `ServiceWorker.workerVersionUpdated`.
    pub fn versions_updated(&mut self, event: &WorkerVersionUpdatedEvent) {
        for version in &event.versions {
            let id = &version.registration_id;
            let runs = version.running_status == Running::Running
                && version.status == ServiceWorkerVersionStatus::Activated;
            if runs {
                if !self.running.contains(id) {
                    self.running.push(id.clone());
                }
            } else if version.status == ServiceWorkerVersionStatus::Redundant
                || version.running_status != Running::Running
            {
                self.running.retain(|running| running != id);
            }
        }
    }

    /// The registration of the page's origin whose worker is activated and running, if one
    /// is.
    pub fn ready(&self) -> Option<&RegistrationId> {
        self.running.iter().find(|id| {
            self.registrations
                .get(*id)
                .is_some_and(|origin| *origin == self.origin)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cdp::service_worker::{ServiceWorkerRegistration, ServiceWorkerVersion};

    fn registered(id: &str, scope: &str, deleted: bool) -> WorkerRegistrationUpdatedEvent {
        WorkerRegistrationUpdatedEvent {
            registrations: vec![ServiceWorkerRegistration::new(id, scope, deleted)],
        }
    }

    fn version(
        id: &str,
        running: Running,
        status: ServiceWorkerVersionStatus,
    ) -> WorkerVersionUpdatedEvent {
        WorkerVersionUpdatedEvent {
            versions: vec![ServiceWorkerVersion::new(
                "0",
                id,
                "http://a:1/sw.js",
                running,
                status,
            )],
        }
    }

    #[test]
    fn the_worker_is_ready_once_registered_for_the_origin_activated_and_running() {
        let mut workers = Workers::new("http://a:1".into());
        workers.versions_updated(&version(
            "0",
            Running::Running,
            ServiceWorkerVersionStatus::Activating,
        ));
        workers.registrations_updated(&registered("0", "http://a:1/", false));
        assert_eq!(workers.ready(), None);
        workers.versions_updated(&version(
            "0",
            Running::Running,
            ServiceWorkerVersionStatus::Activated,
        ));
        assert_eq!(workers.ready(), Some(&RegistrationId::from("0".to_owned())));
        workers.versions_updated(&version(
            "0",
            Running::Stopped,
            ServiceWorkerVersionStatus::Activated,
        ));
        assert_eq!(workers.ready(), None);
    }

    #[test]
    fn workers_of_other_origins_and_deleted_registrations_do_not_count() {
        let mut workers = Workers::new("http://a:1".into());
        workers.registrations_updated(&registered("1", "http://b:1/", false));
        workers.versions_updated(&version(
            "1",
            Running::Running,
            ServiceWorkerVersionStatus::Activated,
        ));
        assert_eq!(workers.ready(), None);
        workers.registrations_updated(&registered("2", "http://a:1/app/", false));
        workers.versions_updated(&version(
            "2",
            Running::Running,
            ServiceWorkerVersionStatus::Activated,
        ));
        assert!(workers.ready().is_some());
        workers.registrations_updated(&registered("2", "http://a:1/app/", true));
        assert_eq!(workers.ready(), None);
    }
}
