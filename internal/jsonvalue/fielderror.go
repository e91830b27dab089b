package jsonvalue

import (
	"fmt"
	"math/big"
	"strconv"
)

// FieldError is a JSON value that does not fit what an encoder needs (a schema, a format's limits). Path
// names the field, as jq would reach it without the leading dot (metrics[0].value); it is empty for the
// whole value.
type FieldError struct {
	Path string
	Err  error
}

func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Err.Error()
	}
	return "field " + e.Path + ": " + e.Err.Error()
}

func (e *FieldError) Unwrap() error { return e.Err }

// Field is the path of member key inside path.
func Field(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Index is the path of element i inside path.
func Index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// Kind names v's JSON type for a message: "a string", "an object".
func Kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case int64, uint64, float64, float32, int, *big.Int:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case Object, map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
