package transport

import "os"

// KeyLogFile is a file that TLS secrets are appended to, a line at a time, for Wireshark's
// "(Pre)-Master-Secret log filename": mosquitto 2.1's --tls-keylog opens, appends and closes it for each
// line, so that another program may read or rotate it while the client runs. Use it as TLSOptions.KeyLog.
type KeyLogFile string

// Write appends p to the file, creating it readable by its owner only: the secrets decrypt the session.
func (f KeyLogFile) Write(p []byte) (int, error) {
	file, err := os.OpenFile(string(f), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := file.Write(p)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// Check opens the file as Write will, so that a path that cannot be written is told before connecting
// rather than lost in the handshake.
func (f KeyLogFile) Check() error {
	_, err := f.Write(nil)
	return err
}
