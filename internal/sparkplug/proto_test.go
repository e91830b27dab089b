package sparkplug

import (
	"encoding/base64"
	"strings"
	"testing"

	"mqtt/internal/codec/protobuf"
	"mqtt/internal/pycheck"
)

// The hand-written wire code and sparkplug_b.proto say the same thing: what the Encoder writes, protobuf's
// own decoder reads under the .proto, and what protobuf writes from it, the Decoder reads.
func TestAgreesWithTheProtoFile(t *testing.T) {
	schema, err := protobuf.NewSchema(protobuf.SchemaOptions{File: "sparkplug_b.proto", Type: "sparkplug.b.Payload"})
	if err != nil {
		t.Fatal(err)
	}
	e := NewEncoder()
	e.Now = clock
	ours := encode(t, e, "spBv1.0/g/NDATA/e", everything)
	got, err := schema.Decode(nil, ours)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"timestamp":"1764583200001"`, `"seq":"5"`, `{"name":"i8","timestamp":"1764583200001","datatype":1,"intValue":4294967168}`,
		`{"name":"i64","timestamp":"1764583200001","datatype":4,"longValue":"9223372036854775808"}`,
		`{"name":"gone","timestamp":"1764583200001","datatype":3,"isNull":true}`,
		`"datasetValue":{"numOfColumns":"2","columns":["id","v"],"types":[3,12],"rows":[{"elements":[{"intValue":1},{"stringValue":"a"}]},{"elements":[{"intValue":4294967294},{"stringValue":"b"}]}]}`,
		`"properties":{"keys":["unit","limits","list","none"],"values":[{"type":12,"stringValue":"°C"},{"type":20,"propertysetValue":{"keys":["hi"],"values":[{"type":10,"doubleValue":30}]}}`,
		`"templateValue":{"version":"1","metrics":[{"name":"rpm"`, `"uuid":"u-1","body":"AQI="`,
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("protobuf read %s\nmissing %s", got, want)
		}
	}
	theirs, err := schema.Encode(nil, []byte(`{"timestamp":"9","seq":"2","metrics":[{"alias":"4","datatype":2,"intValue":65535},{"name":"f","datatype":30,"bytesValue":"AADAPw=="}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := decode(t, NewDecoder(), "a/b", theirs); s != `{"timestamp":9,"seq":2,"metrics":[{"alias":4,"type":"Int16","value":-1},{"name":"f","type":"FloatArray","value":[1.5]}]}` {
		t.Errorf("we read %s", s)
	}
}

func TestAgainstPython(t *testing.T) {
	pycheck.Need(t, "google.protobuf")
	schema, err := protobuf.NewSchema(protobuf.SchemaOptions{File: "sparkplug_b.proto", Type: "sparkplug.b.Payload"})
	if err != nil {
		t.Fatal(err)
	}
	_ = schema
	set := fileDescriptorSet(t)
	e := NewEncoder()
	e.Now = clock
	ours := encode(t, e, "spBv1.0/g/NBIRTH/e", `{"metrics":[{"name":"temp","alias":1,"type":"Float","value":21.5},{"name":"n","alias":2,"type":"Int32","value":-7}]}`)
	out := pycheck.Run(t, `
import sys, base64
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
fds = descriptor_pb2.FileDescriptorSet.FromString(base64.b64decode(sys.argv[1]))
pool = descriptor_pool.DescriptorPool()
for f in fds.file:
    pool.Add(f)
Payload = message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName("sparkplug.b.Payload"))
p = Payload.FromString(base64.b64decode(sys.argv[2]))
print(p.seq, p.timestamp, " ".join("%s/%d/%d/%s" % (m.name, m.alias, m.datatype, m.WhichOneof("value")) for m in p.metrics), p.metrics[0].float_value, p.metrics[1].int_value)
q = Payload(timestamp=7, seq=3)
m = q.metrics.add(alias=1)
m.float_value = 22.25
m = q.metrics.add(name="flags", datatype=32)
m.bytes_value = bytes([3, 0, 0, 0, 0xa0])
print(base64.b64encode(q.SerializeToString()).decode())
`, nil, base64.StdEncoding.EncodeToString(set), base64.StdEncoding.EncodeToString(ours))
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if lines[0] != "0 1764583200000 temp/1/9/float_value n/2/3/int_value 21.5 4294967289" {
		t.Errorf("python read %s", lines[0])
	}
	theirs, _ := base64.StdEncoding.DecodeString(lines[1])
	d := NewDecoder()
	decode(t, d, "spBv1.0/g/NBIRTH/e", ours)
	if got, note := decode(t, d, "spBv1.0/g/NDATA/e", theirs); note != nil || !strings.Contains(got, `"metrics":[{"name":"temp","alias":1,"type":"Float","value":22.25},{"name":"flags","type":"BooleanArray","value":[true,false,true]}]`) {
		t.Errorf("we read python's as %s (%v)", got, note)
	}
}

func fileDescriptorSet(t *testing.T) []byte {
	schema, err := protobuf.NewSchema(protobuf.SchemaOptions{File: "sparkplug_b.proto", Type: "sparkplug.b.Payload"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := schema.FileDescriptorSet()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
