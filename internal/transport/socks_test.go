package transport_test

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"
)

// socksServer is a minimal SOCKS5 proxy (RFC 1928, RFC 1929) on 127.0.0.1 that connects only to
// loopback addresses.
type socksServer struct {
	ln         net.Listener
	user, pass string // empty: no authentication

	mu      sync.Mutex
	targets []string // what each CONNECT asked for: "domain host:port" or "ip host:port"
	conns   map[net.Conn]struct{}
	wg      sync.WaitGroup
}

func startSocks(t *testing.T, user, pass string) *socksServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serveSocks(t, ln, user, pass)
}

// startSocks6 is a proxy on ::1; the test is skipped where the machine has no IPv6 loopback.
func startSocks6(t *testing.T, user, pass string) *socksServer {
	t.Helper()
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	return serveSocks(t, ln, user, pass)
}

func serveSocks(t *testing.T, ln net.Listener, user, pass string) *socksServer {
	s := &socksServer{ln: ln, user: user, pass: pass, conns: map[net.Conn]struct{}{}}
	s.wg.Go(s.serve)
	t.Cleanup(s.close)
	return s
}

func (s *socksServer) addr() string { return s.ln.Addr().String() }

func (s *socksServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.targets...)
}

func (s *socksServer) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		if !s.track(c) {
			return
		}
		s.wg.Go(func() {
			defer s.untrack(c)
			s.handle(c)
		})
	}
}

// track fails once the server is closing, so close can wait for every handler.
func (s *socksServer) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns == nil {
		c.Close()
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *socksServer) untrack(c net.Conn) {
	c.Close()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

func (s *socksServer) close() {
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.conns = nil
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *socksServer) handle(c net.Conn) {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	if !s.negotiate(r, c) {
		return
	}
	target, ok := s.request(r)
	if !ok {
		return
	}
	up, reply := s.connect(target)
	if _, err := c.Write([]byte{5, reply, 0, 1, 0, 0, 0, 0, 0, 0}); err != nil || up == nil {
		return
	}
	defer up.Close()
	c.SetDeadline(time.Time{})
	s.wg.Go(func() {
		io.Copy(up, r)
		up.(*net.TCPConn).CloseWrite()
	})
	io.Copy(c, up)
}

// negotiate picks the method the server insists on and runs username/password authentication.
func (s *socksServer) negotiate(r *bufio.Reader, w io.Writer) bool {
	head := make([]byte, 2)
	if _, err := io.ReadFull(r, head); err != nil || head[0] != 5 {
		return false
	}
	methods := make([]byte, head[1])
	if _, err := io.ReadFull(r, methods); err != nil {
		return false
	}
	want := byte(0)
	if s.user != "" {
		want = 2
	}
	if !contains(methods, want) {
		w.Write([]byte{5, 0xff})
		return false
	}
	w.Write([]byte{5, want})
	if want == 0 {
		return true
	}
	user, pass, err := readUserPass(r)
	if err != nil {
		return false
	}
	if user != s.user || pass != s.pass {
		w.Write([]byte{1, 1})
		return false
	}
	w.Write([]byte{1, 0})
	return true
}

func readUserPass(r *bufio.Reader) (user, pass string, err error) {
	if v, err := r.ReadByte(); err != nil || v != 1 {
		return "", "", errors.New("bad subnegotiation version")
	}
	read := func() (string, error) {
		n, err := r.ReadByte()
		if err != nil {
			return "", err
		}
		b := make([]byte, n)
		_, err = io.ReadFull(r, b)
		return string(b), err
	}
	if user, err = read(); err != nil {
		return "", "", err
	}
	pass, err = read()
	return user, pass, err
}

// request reads a CONNECT and records how the target was named.
func (s *socksServer) request(r *bufio.Reader) (target string, ok bool) {
	head := make([]byte, 4)
	if _, err := io.ReadFull(r, head); err != nil || head[0] != 5 || head[1] != 1 {
		return "", false
	}
	var host, kind string
	switch head[3] {
	case 1, 4:
		ip := make(net.IP, map[byte]int{1: 4, 4: 16}[head[3]])
		if _, err := io.ReadFull(r, ip); err != nil {
			return "", false
		}
		host, kind = ip.String(), "ip"
	case 3:
		n, err := r.ReadByte()
		if err != nil {
			return "", false
		}
		name := make([]byte, n)
		if _, err := io.ReadFull(r, name); err != nil {
			return "", false
		}
		host, kind = string(name), "domain"
	default:
		return "", false
	}
	port := make([]byte, 2)
	if _, err := io.ReadFull(r, port); err != nil {
		return "", false
	}
	target = net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(port))))
	s.mu.Lock()
	s.targets = append(s.targets, kind+" "+target)
	s.mu.Unlock()
	return target, true
}

// connect reaches target if it is on loopback, returning the SOCKS reply code.
func (s *socksServer) connect(target string) (net.Conn, byte) {
	host, port, _ := net.SplitHostPort(target)
	if host == "localhost" {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, 2 // not allowed by ruleset
	}
	up, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), 10*time.Second)
	if err != nil {
		return nil, 5 // connection refused
	}
	return up, 0
}

func contains(b []byte, v byte) bool {
	for _, x := range b {
		if x == v {
			return true
		}
	}
	return false
}
