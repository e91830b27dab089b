package header

import "testing"

// FuzzRead: any payload is either rejected or read back to a header that, written again, gives the same bytes.
func FuzzRead(f *testing.F) {
	good := make([]byte, Size+10)
	Put(good, Header{Run: 77, Publisher: 1, Seq: 9, Intended: 10, Sent: 11})
	f.Add(good)
	f.Add([]byte("mqb1"))
	f.Add([]byte{})
	f.Add(make([]byte, Size))
	r := Reader{Run: 77, Publishers: 4}
	f.Fuzz(func(t *testing.T, payload []byte) {
		h, err := r.Read(payload)
		if err != nil {
			return
		}
		if h.Run != 77 || h.Publisher >= 4 {
			t.Fatalf("accepted %+v", h)
		}
		again := make([]byte, Size)
		Put(again, h)
		if string(again) != string(payload[:Size]) {
			t.Fatalf("header does not round-trip: % x vs % x", again, payload[:Size])
		}
	})
}
