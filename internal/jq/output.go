package jq

import "mqtt/internal/jsonvalue"

// AppendJSON appends a value a query yielded as compact JSON, as jq -c writes it (NaN as null, ±Inf as the
// largest finite numbers), except that object keys come sorted: gojq keeps no order.
func AppendJSON(dst []byte, v any) []byte { return jsonvalue.AppendJQ(dst, v) }
