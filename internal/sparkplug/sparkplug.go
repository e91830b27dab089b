// Package sparkplug decodes and encodes Sparkplug B payloads (Eclipse Sparkplug 3.0.0), to and from JSON.
//
// The payload schema is sparkplug_b.proto in this directory, written from the specification's field
// numbers; the code reads and writes it with protowire directly into the JSON tree (nothing is built at
// start-up, and a message costs one pass). Decoded JSON, in this order (members absent on the wire are
// left out):
//
//	{"topic": {"namespace": "spBv1.0", "group": "plant", "type": "NDATA", "edge_node": "edge1", "device": "d1"},
//	 "timestamp": 1764583200000, "seq": 3,
//	 "metrics": [{"name": "temp", "alias": 1, "timestamp": 1764583200000, "type": "Float", "value": 21.5,
//	              "is_historical": true, "is_transient": true, "is_null": true,
//	              "metadata": {...}, "properties": {"unit": {"type": "String", "value": "°C"}}}],
//	 "uuid": "...", "body": "<base64>",
//	 "unresolved_aliases": [7]}
//
// Values follow the datatype: signed integers from their two's complement, Float with 32-bit precision,
// DateTime as milliseconds, Bytes and File as base64, the array types as JSON arrays, a DataSet as
// {"columns": [...], "types": [...], "rows": [[...]]}, a Template as {"version", "template_ref",
// "is_definition", "metrics", "parameters"}.
//
// Aliases: a Decoder remembers the names and datatypes each NBIRTH and DBIRTH gave, per edge node and per
// device, and names the metrics of later messages by alias. A decoder that joined late (no birth seen yet)
// lists the aliases it could not name in "unresolved_aliases" and returns an *UnresolvedAliasesError as a
// note beside the value.
package sparkplug
