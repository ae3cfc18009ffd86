-- Times are unix milliseconds in both providers so the queries stay the same.
CREATE TABLE investigations (
    id TEXT NOT NULL PRIMARY KEY,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    target_key TEXT NOT NULL,
    namespace TEXT NULL,
    pod TEXT NULL,
    workload TEXT NULL,
    category TEXT NULL,
    alert_name TEXT NULL,
    alert_status TEXT NULL,
    received_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    completed_at BIGINT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT NULL,
    lease_until BIGINT NULL,
    request_json TEXT NOT NULL,
    rca_json TEXT NULL,
    error TEXT NULL
);
CREATE INDEX ix_investigations_status ON investigations (status, lease_until);
CREATE INDEX ix_investigations_received ON investigations (received_at DESC, id DESC);
CREATE INDEX ix_investigations_ns_category ON investigations (namespace, category, received_at DESC, id DESC);
CREATE INDEX ix_investigations_open_target ON investigations (target_key, status);

CREATE TABLE alerts (
    fingerprint TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    investigation_id TEXT NOT NULL REFERENCES investigations (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    received_count INTEGER NOT NULL,
    last_received_at BIGINT NOT NULL,
    PRIMARY KEY (fingerprint, starts_at)
);
CREATE INDEX ix_alerts_investigation ON alerts (investigation_id);

CREATE TABLE notifications (
    id TEXT NOT NULL PRIMARY KEY,
    investigation_id TEXT NOT NULL REFERENCES investigations (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT NULL,
    thread_key TEXT NULL,
    lease_until BIGINT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT NULL,
    UNIQUE (investigation_id, channel, kind)
);
CREATE INDEX ix_notifications_due ON notifications (status, next_attempt_at);
