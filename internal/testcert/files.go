package testcert

import (
	"os"
	"path/filepath"
	"testing"
)

// Files are the paths of a Set written as PEM, for tests that pass --cafile, --cert and --key.
type Files struct {
	Dir                         string
	CA, OtherCA                 string // certificates only
	ServerCert, ServerKey       string
	ClientCert, ClientKey       string
	ExpiredCert, ExpiredKey     string
	WrongNameCert, WrongNameKey string
}

// Write writes every certificate and key of s into dir, which must exist. Keys are written 0600, as
// tools that check key permissions expect.
func (s *Set) Write(dir string) (Files, error) {
	f := Files{Dir: dir}
	type file struct {
		path *string
		name string
		data []byte
		perm os.FileMode
	}
	files := []file{
		{&f.CA, "ca.crt", s.CA.CertPEM, 0o644},
		{&f.OtherCA, "other-ca.crt", s.OtherCA.CertPEM, 0o644},
		{&f.ServerCert, "server.crt", s.Server.CertPEM, 0o644},
		{&f.ServerKey, "server.key", s.Server.KeyPEM, 0o600},
		{&f.ClientCert, "client.crt", s.Client.CertPEM, 0o644},
		{&f.ClientKey, "client.key", s.Client.KeyPEM, 0o600},
		{&f.ExpiredCert, "expired.crt", s.Expired.CertPEM, 0o644},
		{&f.ExpiredKey, "expired.key", s.Expired.KeyPEM, 0o600},
		{&f.WrongNameCert, "wrong-name.crt", s.WrongName.CertPEM, 0o644},
		{&f.WrongNameKey, "wrong-name.key", s.WrongName.KeyPEM, 0o600},
	}
	for _, w := range files {
		*w.path = filepath.Join(dir, w.name)
		if err := os.WriteFile(*w.path, w.data, w.perm); err != nil {
			return Files{}, err
		}
	}
	return f, nil
}

// Files writes s into a fresh t.TempDir and returns the paths.
func (s *Set) Files(t testing.TB) Files {
	t.Helper()
	f, err := s.Write(t.TempDir())
	if err != nil {
		t.Fatalf("writing test certificates: %v", err)
	}
	return f
}
