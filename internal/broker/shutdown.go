package broker

import (
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

// mochi v2.7.9's own way of closing a listener's clients (Server.closeListenerClients) calls
// Clients.GetByListener, which read-locks the client map and then read-locks it again in Len: if a
// client ending at that moment waits to write-lock it in between, both wait for ever and Close
// never returns (mochi-mqtt/server#488, fixed by the unmerged #489). Seen here as a broker that did
// not stop on SIGINT while a client disconnected. Our listeners close their clients this way instead,
// taking the lock once.

// closeClients returns the function that sends every client of a listener a DISCONNECT saying the
// server shuts down, as mochi's would.
func closeClients(server *mqtt.Server) listeners.CloseFn {
	return func(id string) {
		for _, cl := range server.Clients.GetAll() {
			if cl.Net.Listener == id && !cl.Closed() {
				_ = server.DisconnectClient(cl, packets.ErrServerShuttingDown)
			}
		}
	}
}
