package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"

	"mqtt/internal/iostreams"
	"mqtt/internal/session"
	"mqtt/internal/transport"
	"mqtt/internal/wire"
)

// connect opens the session, turning a refused CONNACK into mosquitto's message and exit code.
func connect(ctx context.Context, conn *connOptions, streams *iostreams.IOStreams) (session.Session, error) {
	opts := conn.Session
	opts.Debug = debugOut(conn, streams)
	s, err := session.Connect(ctx, opts)
	var ce *session.ConnectError
	if errors.As(err, &ce) {
		e := &exitError{code: int(ce.Code), msg: fmt.Sprintf(mqttText[errConnectRefused], ce.Error()), connack: true}
		if ce.Version == session.V5 && ce.Code == wire.ReasonUnsupportedProtocol {
			e.msg, e.unsupported = e.msg+textUnsupportedV5, true
		}
		return nil, e
	}
	if err != nil && ctx.Err() == nil {
		// Say where the address came from when the command line did not give it all (MQTT_PORT=1).
		return nil, withNote(explainConnectFailure(opts.Dial, err), conn.DestinationNote)
	}
	return s, err
}

// debugOut is where -d lines go: stderr, or stdout as libmosquitto prints them when linked; nil without -d.
func debugOut(conn *connOptions, streams *iostreams.IOStreams) io.Writer {
	switch {
	case !conn.Debug:
		return nil
	case conn.DebugToStdout:
		return streams.Out
	}
	return streams.ErrOut
}

// explainConnectFailure prefers the transport's explanation of a TLS failure, which is one sentence
// with its fix, to the layers the session wrapped around it ("waiting for CONNACK: network Error :").
func explainConnectFailure(d transport.Dialer, err error) error {
	var te *transport.TLSError
	var he *session.HangupError
	switch {
	case errors.As(err, &te):
		return te
	case errors.As(err, &he):
		return explainHangup(d, he)
	}
	return sessionExit(err)
}

// quiet drops the message of an error when --quiet is given; the exit code stays.
func quiet(conn *connOptions, err error) error {
	err = sessionExit(err)
	if err == nil || !conn.Quiet {
		return err
	}
	var e *exitError
	if errors.As(err, &e) {
		return &exitError{code: e.code}
	}
	return &exitError{code: 1}
}
