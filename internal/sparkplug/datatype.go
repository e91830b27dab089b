package sparkplug

import "strings"

// DataType is a Sparkplug B datatype (the DataType enum of sparkplug_b.proto).
type DataType uint32

// The datatypes whose values the code treats specially.
const (
	Unknown         DataType = 0
	Int8            DataType = 1
	Int16           DataType = 2
	Int32           DataType = 3
	Int64           DataType = 4
	UInt8           DataType = 5
	UInt16          DataType = 6
	UInt32          DataType = 7
	UInt64          DataType = 8
	Float           DataType = 9
	Double          DataType = 10
	Boolean         DataType = 11
	String          DataType = 12
	DateTime        DataType = 13
	Text            DataType = 14
	UUID            DataType = 15
	DataSet         DataType = 16
	Bytes           DataType = 17
	File            DataType = 18
	Template        DataType = 19
	PropertySet     DataType = 20
	PropertySetList DataType = 21
	Int8Array       DataType = 22
	Int16Array      DataType = 23
	Int32Array      DataType = 24
	Int64Array      DataType = 25
	UInt8Array      DataType = 26
	UInt16Array     DataType = 27
	UInt32Array     DataType = 28
	UInt64Array     DataType = 29
	FloatArray      DataType = 30
	DoubleArray     DataType = 31
	BooleanArray    DataType = 32
	StringArray     DataType = 33
	DateTimeArray   DataType = 34
)

// dataTypeJSON holds the names as interface values, which the compiler lays out statically: boxing a name
// for every metric decoded would allocate.
var dataTypeJSON = [...]any{
	"Unknown", "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float", "Double",
	"Boolean", "String", "DateTime", "Text", "UUID", "DataSet", "Bytes", "File", "Template", "PropertySet",
	"PropertySetList", "Int8Array", "Int16Array", "Int32Array", "Int64Array", "UInt8Array", "UInt16Array",
	"UInt32Array", "UInt64Array", "FloatArray", "DoubleArray", "BooleanArray", "StringArray", "DateTimeArray",
}

// String is the specification's name of t; a number outside the enum has none and is "" (the JSON then
// shows the number).
func (t DataType) String() string {
	if int(t) < len(dataTypeJSON) {
		return dataTypeJSON[t].(string)
	}
	return ""
}

// ParseDataType reads a datatype name, in any case ("float" is Float).
func ParseDataType(s string) (DataType, bool) {
	for i, n := range dataTypeJSON {
		if strings.EqualFold(n.(string), s) {
			return DataType(i), true
		}
	}
	return 0, false
}

// elemSize is the size of one element of a packed array type, 0 for the others.
func (t DataType) elemSize() int {
	switch t {
	case Int8Array, UInt8Array:
		return 1
	case Int16Array, UInt16Array:
		return 2
	case Int32Array, UInt32Array, FloatArray:
		return 4
	case Int64Array, UInt64Array, DoubleArray, DateTimeArray:
		return 8
	}
	return 0
}
