-- GET /api/v1/rcas?namespace=X (without a category) pages by receive time within the namespace.
CREATE INDEX ix_investigations_ns_received ON investigations (namespace, received_at DESC, id DESC);
CREATE INDEX ix_investigations_category_received ON investigations (category, received_at DESC, id DESC);
