package property

import (
	"math"
	"reflect"
	"testing"

	"mqtt/internal/message"
)

func TestAtol(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
	}{
		{"0", 0}, {"42", 42}, {"-42", -42}, {"+42", 42}, {"-0", 0},
		{" \t\n\v\f\r7", 7}, {"010", 10}, {"0x10", 0}, {"12abc", 12}, {"1.9", 1}, {"1e3", 1},
		{"", 0}, {"abc", 0}, {"-", 0}, {"+-1", 0}, {" - 1", 0},
		{"9223372036854775807", math.MaxInt64}, {"9223372036854775808", math.MaxInt64},
		{"99999999999999999999", math.MaxInt64}, {"-9223372036854775808", math.MinInt64},
		{"-9223372036854775809", math.MinInt64}, {"-99999999999999999999", math.MinInt64},
	} {
		if got := atol(tt.in); got != tt.want {
			t.Errorf("atol(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestStored adds every property each packet takes, and checks where each value lands.
func TestStored(t *testing.T) {
	s, err := run([]string{
		"-D", "connect", "session-expiry-interval", "3600",
		"-D", "connect", "authentication-method", "SCRAM",
		"-D", "connect", "authentication-data", "\x00\x01",
		"-D", "connect", "request-problem-information", "0",
		"-D", "connect", "request-response-information", "1",
		"-D", "connect", "receive-maximum", "10",
		"-D", "connect", "topic-alias-maximum", "0",
		"-D", "connect", "maximum-packet-size", "4294967295",
		"-D", "connect", "user-property", "k", "v1",
		"-D", "connect", "user-property", "k", "v2",
		"-D", "publish", "payload-format-indicator", "1",
		"-D", "publish", "message-expiry-interval", "60",
		"-D", "publish", "content-type", "text/plain",
		"-D", "publish", "response-topic", "reply/to",
		"-D", "publish", "correlation-data", "",
		"-D", "publish", "topic-alias", "65535",
		"-D", "publish", "user-property", "", "",
		"-D", "subscribe", "subscription-identifier", "268435455",
		"-D", "subscribe", "user-property", "s", "1",
		"-D", "unsubscribe", "user-property", "u", "2",
		"-D", "disconnect", "session-expiry-interval", "0",
		"-D", "disconnect", "reason-string", "bye",
		"-D", "disconnect", "server-reference", "other:1883",
		"-D", "will", "payload-format-indicator", "0",
		"-D", "will", "message-expiry-interval", "5",
		"-D", "will", "content-type", "application/json",
		"-D", "will", "response-topic", "w/r",
		"-D", "will", "correlation-data", "id",
		"-D", "will", "will-delay-interval", "30",
		"-D", "will", "reason-string", "gone",
		"-D", "will", "user-property", "w", "3",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Set{
		Connect: &message.Properties{
			SessionExpiry: ptr[uint32](3600), AuthMethod: "SCRAM", AuthData: []byte{0, 1},
			RequestProblemInfo: ptr[byte](0), RequestResponseInfo: ptr[byte](1), ReceiveMaximum: ptr[uint16](10),
			TopicAliasMaximum: ptr[uint16](0), MaximumPacketSize: ptr[uint32](math.MaxUint32),
			User:  []message.UserProperty{{Key: "k", Value: "v1"}, {Key: "k", Value: "v2"}},
			Order: []byte{0x11, 0x15, 0x16, 0x17, 0x19, 0x21, 0x22, 0x27, 0x26, 0x26},
		},
		Publish: &message.Properties{
			PayloadFormat: ptr[byte](1), MessageExpiry: ptr[uint32](60), ContentType: "text/plain",
			ResponseTopic: "reply/to", CorrelationData: []byte{}, TopicAlias: ptr[uint16](65535),
			User: []message.UserProperty{{}}, Order: []byte{1, 2, 3, 8, 9, 0x23, 0x26},
		},
		Subscribe: &message.Properties{
			SubscriptionIDs: []int{268435455}, User: []message.UserProperty{{Key: "s", Value: "1"}},
			Order: []byte{0x0b, 0x26},
		},
		Unsubscribe: &message.Properties{User: []message.UserProperty{{Key: "u", Value: "2"}}, Order: []byte{0x26}},
		Disconnect: &message.Properties{
			SessionExpiry: ptr[uint32](0), ReasonString: "bye", ServerReference: "other:1883",
			Order: []byte{0x11, 0x1f, 0x1c},
		},
		Will: &message.Properties{
			PayloadFormat: ptr[byte](0), MessageExpiry: ptr[uint32](5), ContentType: "application/json",
			ResponseTopic: "w/r", CorrelationData: []byte("id"), WillDelay: ptr[uint32](30), ReasonString: "gone",
			User:  []message.UserProperty{{Key: "w", Value: "3"}},
			Order: []byte{1, 2, 3, 8, 9, 0x18, 0x1f, 0x26},
		},
	}
	for _, f := range []struct {
		name      string
		got, want *message.Properties
	}{
		{"connect", s.Connect, want.Connect}, {"publish", s.Publish, want.Publish},
		{"subscribe", s.Subscribe, want.Subscribe}, {"unsubscribe", s.Unsubscribe, want.Unsubscribe},
		{"disconnect", s.Disconnect, want.Disconnect}, {"will", s.Will, want.Will},
	} {
		if !reflect.DeepEqual(f.got, f.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", f.name, *f.got, *f.want)
		}
	}
	if s.Publish.CorrelationData == nil {
		t.Error("an empty correlation-data must stay distinguishable from none")
	}
}

func TestUntouchedListsStayNil(t *testing.T) {
	s, err := run([]string{"-D", "publish", "content-type", "a"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Publish == nil || s.Connect != nil || s.Subscribe != nil || s.Unsubscribe != nil || s.Disconnect != nil || s.Will != nil {
		t.Errorf("%+v", s)
	}
	// A refused property leaves no trace.
	var r Set
	if r.Add("publish", "content-type", "\x01") == nil || r.Publish != nil {
		t.Errorf("refused property was stored: %+v", r.Publish)
	}
}
