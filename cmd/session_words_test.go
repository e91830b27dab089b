package cmd

import (
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"mqtt/internal/session"
)

// The session tells what happened as data; these are the words mqtt has always printed for it.
func TestSessionWords(t *testing.T) {
	takeover := &session.DisconnectError{Code: 0x8E, ClientID: "me"}
	for _, tc := range []struct {
		got, want string
	}{
		{reconnectLine(session.ConnectionLost{Err: io.EOF}), "Connection lost (EOF); reconnecting."},
		{reconnectLine(session.Reconnecting{Attempt: 2, Delay: time.Second}), ""},
		{reconnectLine(session.Reconnected{After: 1500 * time.Millisecond, Attempts: 1}), "Reconnected after 1.5 s (1 attempt)."},
		{reconnectLine(session.Reconnected{After: 30 * time.Second, Attempts: 4}), "Reconnected after 30.0 s (4 attempts)."},
		{reconnectLine(session.SameIDSuspected{ClientID: "dupid", Drops: 3}), `Warning: the broker closed the last 3 connections ` +
			`right after accepting them: another client using the id "dupid" is the likely cause (give each client its own id, or leave -i out).`},
		{reconnectLine(session.Subscribed{ID: 1, Codes: []byte{0}}), ""},
		{errorText(takeover), `the broker disconnected us: another client connected with id "me" (give each client its own id, or leave -i out)`},
		{errorText(&session.DisconnectError{Code: 0x8E}), "the broker disconnected us: another client connected with the same id (give each client its own id)"},
		{errorText(fmt.Errorf("gave up reconnecting after 2 attempts: %w", takeover)), `gave up reconnecting after 2 attempts: the broker ` +
			`disconnected us: another client connected with id "me" (give each client its own id, or leave -i out)`},
		{errorText(&session.DisconnectError{Code: 0x8B, Reason: "bye"}), "the broker disconnected: Server shutting down (bye)"},
		{errorText(errors.New("EOF")), "EOF"},
	} {
		if tc.got != tc.want {
			t.Errorf("got  %q\nwant %q", tc.got, tc.want)
		}
	}
}
