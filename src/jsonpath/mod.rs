//! JSONPath as API Gateway evaluates it (Jayway's implementation) over `serde_json` values.
