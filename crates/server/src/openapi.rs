//! The OpenAPI 3.1 description of the API (`GET /api/v1/openapi.json`), built from the same
//! parameter tables the parser checks requests against ([`crate::params`]), so the two cannot
//! drift; a test requests every route and parameter it lists and compares the answers' fields
//! with the schemas.

use serde_json::{json, Map, Value};

use crate::params::{self, Param, Shape};

/// One route of the API.
pub struct Route {
    /// `get` or `post`.
    pub method: &'static str,
    /// Path under `/api/v1`, with `{id}` for a path parameter.
    pub path: &'static str,
    /// What it answers.
    pub summary: &'static str,
    /// Its query-string parameters.
    pub params: &'static [&'static [Param]],
    /// The schema of a 200 answer (a name under `components/schemas`), or a media type's
    /// description for a streamed one.
    pub answer: Answer,
}

/// What a route answers with.
pub enum Answer {
    /// JSON of this schema.
    Json(&'static str),
    /// A CSV or JSON-lines stream.
    Stream,
}

/// Every route of the API.
pub const ROUTES: &[Route] = &[
    Route { method: "get", path: "/search", summary: "Ranked paragraphs, the exact total, matching reports and facet counts over every match", params: &[params::QUERY, params::SEARCH], answer: Answer::Json("SearchPage") },
    Route { method: "post", path: "/search", summary: "The same search, the request as JSON (SearchRequest; unknown fields refused)", params: &[], answer: Answer::Json("SearchPage") },
    Route { method: "get", path: "/reports", summary: "The indexed reports with their metadata and judgements", params: &[params::REPORTS], answer: Answer::Json("ReportList") },
    Route { method: "get", path: "/reports/{id}", summary: "One report whole: metadata, judgements and every paragraph in order with its tags", params: &[params::REPORT], answer: Answer::Json("ReportView") },
    Route { method: "get", path: "/kwic", summary: "Keyword in context: every occurrence of the query in the matching paragraphs", params: &[params::QUERY, params::KWIC], answer: Answer::Json("KwicPage") },
    Route { method: "get", path: "/trend", summary: "Matching paragraphs and reports per year, raw and per 1,000 paragraphs indexed", params: &[params::QUERY, params::TREND], answer: Answer::Json("Trend") },
    Route { method: "get", path: "/compare", summary: "Words over- and under-used in the matching paragraphs of each grade or area (log-likelihood)", params: &[params::QUERY, params::COMPARE], answer: Answer::Json("Comparison") },
    Route { method: "get", path: "/export", summary: "Every match, streamed as CSV or JSON lines", params: &[params::QUERY, params::EXPORT], answer: Answer::Stream },
    Route { method: "get", path: "/vocabularies", summary: "The values of every facet field with their paragraph counts", params: &[], answer: Answer::Json("Vocabularies") },
    Route { method: "get", path: "/names", summary: "What filters can name: authorities (as people write them, with codes, regions and aliases), regions, report types and editions, with report counts", params: &[], answer: Answer::Json("Names") },
    Route { method: "get", path: "/health", summary: "The commit served, its documents and schema version", params: &[], answer: Answer::Json("Health") },
    Route { method: "get", path: "/openapi.json", summary: "This description", params: &[], answer: Answer::Json("OpenApi") },
];

/// The description.
pub fn document() -> Value {
    let mut paths = Map::new();
    for route in ROUTES {
        let item = paths
            .entry(format!("/api/v1{}", route.path))
            .or_insert_with(|| json!({}));
        item[route.method] = operation(route);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "ofsearch",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Full-text search over Ofsted inspection reports on local authority children's services: paragraphs tagged with authority, year, report type, judgement area, grade and kind."
        },
        "paths": paths,
        "components": { "schemas": schemas() }
    })
}

fn operation(route: &Route) -> Value {
    let mut parameters: Vec<Value> = route
        .params
        .iter()
        .flat_map(|table| table.iter())
        .map(parameter)
        .collect();
    if route.path.contains("{id}") {
        parameters.insert(
            0,
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The report's id (report_id)"}),
        );
    }
    let ok = match route.answer {
        Answer::Json(schema) => json!({
            "description": "OK",
            "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}
        }),
        Answer::Stream => json!({
            "description": "Every match, streamed (a header row first in CSV); the file name in Content-Disposition",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}}
            }
        }),
    };
    let error = |what: &str| json!({"description": what, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let mut op = json!({
        "summary": route.summary,
        "parameters": parameters,
        "responses": {
            "200": ok,
            "400": error("A mistake in the request: the query (with its column), a filter or a parameter"),
            "413": error("The body is too large"),
            "414": error("The URL is too long"),
            "503": error("Overloaded or over the time budget: try again (Retry-After)"),
            "500": error("A fault of the server's (no detail shown)")
        }
    });
    if route.path.contains("{id}") {
        op["responses"]["404"] = error("No report with this id");
    }
    if route.method == "post" {
        op["requestBody"] = json!({
            "required": true,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchRequest"}}}
        });
    }
    op
}

fn parameter(param: &Param) -> Value {
    let one = match param.shape {
        Shape::Text => json!({"type": "string"}),
        Shape::Number => json!({"type": "integer", "minimum": 0}),
        Shape::Flag => json!({"type": "boolean"}),
        Shape::OneOf(names) => json!({"type": "string", "enum": names}),
    };
    let schema = if param.repeatable {
        json!({"type": "array", "items": one})
    } else {
        one
    };
    json!({
        "name": param.name,
        "in": "query",
        "required": param.required,
        "description": param.doc,
        "schema": schema,
        "explode": true
    })
}

/// An object schema with these properties (each `(name, type, description)`), all required
/// but those marked optional with a trailing `?` on the name.
fn object(description: &str, props: &[(&str, Value, &str)]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (name, schema, doc) in props {
        let (name, optional) = match name.strip_suffix('?') {
            Some(name) => (name, true),
            None => (*name, false),
        };
        let mut schema = schema.clone();
        schema["description"] = json!(doc);
        properties.insert(name.to_string(), schema);
        if !optional {
            required.push(name);
        }
    }
    json!({"type": "object", "description": description, "properties": properties, "required": required})
}

fn t(kind: &str) -> Value {
    json!({"type": kind})
}

fn maybe(kind: &str) -> Value {
    json!({"type": [kind, "null"]})
}

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn list(item: Value) -> Value {
    json!({"type": "array", "items": item})
}

fn schemas() -> Value {
    let facets = json!({"type": "object", "additionalProperties": list(r("FacetCount"))});
    json!({
        "Error": object("Every error answer", &[
            ("error", object("The error", &[
                ("kind", json!({"type": "string", "enum": ["syntax", "filter", "parameter", "not_found", "method_not_allowed", "too_large", "uri_too_long", "overloaded", "timeout", "internal"]}), "Whose mistake, and of what kind"),
                ("message", t("string"), "One line saying what is wrong"),
                ("column?", t("integer"), "For a syntax error, the 1-based column in q"),
            ]), "The error"),
        ]),
        "SearchPage": object("A page of search results", &[
            ("query", t("string"), "The query as given"),
            ("parsed", t("object"), "The query as parsed"),
            ("expanded", list(t("object")), "With expand: each rewrite"),
            ("plain?", t("object"), "Plain words: how they were read"),
            ("total", t("integer"), "Matching paragraphs (exact)"),
            ("partial?", t("integer"), "Plain words: paragraphs with some of the words, ranked after"),
            ("reports?", t("integer"), "Reports with a matching paragraph (absent with facets=false)"),
            ("took_ms", t("number"), "Time taken by the search"),
            ("hits", list(r("Hit")), "The page of hits, best first"),
            ("facets", facets.clone(), "Per facet field, matching paragraphs per value over every match (empty with facets=false)"),
            ("offset", t("integer"), "Hits skipped"),
            ("limit", t("integer"), "Hits asked for"),
            ("next_offset", maybe("integer"), "Where the next page starts, if there may be one"),
        ]),
        "FacetCount": object("A facet value and its count", &[
            ("value", t("string"), "The value"),
            ("count", t("integer"), "Matching paragraphs with it"),
        ]),
        "Hit": object("One paragraph", &[
            ("score", t("number"), "Ranking score"),
            ("report_id", t("string"), "Report id"),
            ("authority", t("string"), "Canonical authority name"),
            ("authority_code", t("string"), "ONS code"),
            ("region", t("string"), "Region of England"),
            ("report_type", t("string"), "Report type"),
            ("year", maybe("integer"), "Year"),
            ("inspection_end", maybe("string"), "Last day of the inspection (ISO)"),
            ("area", t("string"), "Judgement area as printed"),
            ("area_canonical", t("string"), "Canonical area"),
            ("grade", t("string"), "Canonical grade"),
            ("grade_printed", t("string"), "Grade as printed"),
            ("kind", t("string"), "Paragraph kind"),
            ("section", t("string"), "Section path"),
            ("page", maybe("integer"), "The page the paragraph starts on, as printed on it (where pages are known)"),
            ("paragraph_number", maybe("string"), "The report's own paragraph number"),
            ("ordinal", t("integer"), "Position of the paragraph in its report (1-based)"),
            ("text", t("string"), "The paragraph's text"),
            ("source", object("Where the paragraph comes from", &[("path", t("string"), "Source file"), ("line", t("integer"), "1-based line")]), "Source file and line"),
            ("snippet", t("string"), "HTML: the text around the matches, matched words in <mark>"),
            ("url", maybe("string"), "Where the original is published (from a sidecar metadata.csv)"),
            ("citation", t("string"), "A citation ready to paste in running text: authority, type, year, page, paragraph"),
            ("reference", t("string"), "The full reference: title, inspection date, page, paragraph, and the original's address"),
            ("report_matches?", t("integer"), "Grouped by report: the report's matching paragraphs"),
            ("partial?", t("boolean"), "Plain words: holds some of the words, not all"),
            ("explain?", t("object"), "Why it ranks where it does (explain=true)"),
        ]),
        "SearchRequest": {
            "type": "object",
            "additionalProperties": false,
            "description": "A search, as the CLI makes it: every field optional",
            "properties": {
                "query": t("string"),
                "filters": {"type": "object", "additionalProperties": false, "properties": {
                    "authority": list(t("string")), "region": list(t("string")), "year": list(t("string")),
                    "type": list(t("string")), "area": list(t("string")), "grade": list(t("string")), "kind": list(t("string"))
                }},
                "exact": t("boolean"), "include_boilerplate": t("boolean"), "expand": t("boolean"), "lenient": t("boolean"),
                "sort": {"type": "string", "enum": ["relevance", "newest", "oldest"]},
                "offset": t("integer"), "limit": t("integer"), "group_by_report": t("boolean"),
                "boosts": {"type": "object", "additionalProperties": false, "properties": {"section": t("number"), "proximity": t("number"), "priors": t("boolean")}},
                "all_words": t("boolean"), "explain": t("boolean"), "facets": t("boolean")
            }
        },
        "ReportList": object("Reports", &[
            ("total", t("integer"), "Reports listed"),
            ("reports", list(t("object")), "Each report's record (report_id, authority, year, report_type, judgements, source, ...)"),
        ]),
        "ReportView": object("One report whole", &[
            ("report", t("object"), "The report's record"),
            ("paragraphs", list(r("Hit")), "Every paragraph in order; snippet is the whole text with the query marked"),
        ]),
        "KwicPage": object("A page of KWIC lines", &[
            ("total", t("integer"), "Occurrences in every matching paragraph"),
            ("offset", t("integer"), "Lines skipped"),
            ("limit", t("integer"), "Lines asked for"),
            ("lines", list(object("One occurrence", &[
                ("left", t("string"), "Words before"), ("keyword", t("string"), "The occurrence"), ("right", t("string"), "Words after"),
                ("citation", t("string"), "Citation"), ("report_id", t("string"), "Report id"), ("authority", t("string"), "Authority"),
                ("year", maybe("integer"), "Year"), ("report_type", t("string"), "Report type"), ("area_canonical", t("string"), "Area"),
                ("grade", t("string"), "Grade"), ("kind", t("string"), "Kind"), ("ordinal", t("integer"), "Paragraph position"),
                ("offset", t("integer"), "Byte offset of the keyword in the paragraph"), ("source", t("object"), "Source file and line"),
            ])), "The lines"),
        ]),
        "Trend": object("The query's frequency year by year", &[
            ("split_by", maybe("string"), "The split asked for"),
            ("years", list(t("object")), "Per year: paragraphs, reports, indexed_paragraphs, indexed_reports, per_1000, and split"),
            ("total", t("object"), "All years together"),
        ]),
        "Comparison": object("Keyness per group", &[
            ("by", t("string"), "grade or area"),
            ("min_frequency", t("integer"), "Rarer words left out"),
            ("stop_words", t("boolean"), "Whether stop words were left out"),
            ("exclude_query_words", t("boolean"), "Whether the query's words were left out"),
            ("groups", list(t("object")), "Per group: value, paragraphs, tokens, over and under (term, g2, freq, freq_elsewhere)"),
        ]),
        "Vocabularies": object("The facet fields' values", &[
            ("paragraphs", t("integer"), "Paragraphs indexed"),
            ("reports", t("integer"), "Reports indexed"),
            ("fields", facets, "Per field, its values and paragraph counts"),
        ]),
        "Names": object("What filters can name, with report counts", &[
            ("authorities", list(t("object")), "Alphabetically by display: display (as people write it), name (as indexed), ons_code, region, reports, also (other names a filter takes)"),
            ("regions", list(r("FacetCount")), "Regions and their reports"),
            ("types", list(r("FacetCount")), "Report types and their reports"),
            ("editions", list(r("FacetCount")), "Framework editions and their reports"),
        ]),
        "Health": object("The index served", &[
            ("status", t("string"), "ok"),
            ("generation", t("integer"), "The commit served: grows with each new one picked up"),
            ("documents", t("integer"), "Documents in it"),
            ("schema_version", t("integer"), "The index's schema version"),
            ("in_flight", t("integer"), "Requests running or waiting"),
        ]),
        "OpenApi": {"type": "object", "description": "This document"}
    })
}
