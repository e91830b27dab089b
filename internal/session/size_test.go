package session

import (
	"strings"
	"testing"

	"mqtt/internal/wire"
)

func TestCheckSize(t *testing.T) {
	big := make([]byte, wire.MaxRemaining-2-1) // 2 bytes of topic length and a 1-byte topic
	if err := checkSize(V311, &topicPayload{"t", big, 0}, 0, 0); err != nil {
		t.Fatalf("largest QoS 0 payload refused: %v", err)
	}
	if err := checkSize(V311, &topicPayload{"t", big, 1}, 0, 0); err == nil {
		t.Fatal("the packet identifier of QoS 1 does not fit, yet it was accepted")
	}
	if err := checkSize(V5, &topicPayload{"t", make([]byte, 200), 0}, 0, 100); err == nil || !strings.Contains(err.Error(), "at most 100") {
		t.Fatalf("broker's maximum packet size not enforced: %v", err)
	}
	if err := checkSize(V5, &topicPayload{"t", make([]byte, 50), 0}, 0, 100); err != nil {
		t.Fatal(err)
	}
}
