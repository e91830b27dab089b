package mosqargs

import (
	"math"
	"strconv"
)

// postParse is the end of client_config_load, after the options file and the command line: checks
// that need every option, in mosquitto's order.
func (ps *parser) postParse() *failure {
	c := ps.cfg
	switch {
	case c.WillPayload != nil && c.WillTopic == nil:
		return failMsg(msgWillPayloadNoTopic)
	case c.WillRetain && c.WillTopic == nil:
		return failMsg(msgWillRetainNoTopic)
	case (c.CertFile != nil) != (c.KeyFile != nil):
		return failMsg(msgCertAndKey)
	case c.KeyForm != nil && c.KeyFile == nil:
		return failMsg(msgKeyformNoKey)
	case c.TLSEngineKpassSHA1 != nil && (c.KeyForm == nil || c.TLSEngine == nil):
		return failMsg(msgKpassNeeds)
	case (c.CAFile != nil || c.CAPath != nil) && c.PSK != nil:
		return failMsg(msgPSKAndCA)
	case c.PSK != nil && c.PSKIdentity == nil:
		return failMsg(msgPSKIdentity)
	}
	// -I does not count as an id: the pid suffix makes the id different on every run, useless for
	// resuming a session.
	noID := c.IDPrefix != nil || c.ID == nil
	if c.ProtocolVersion == 5 {
		if !c.CleanSession && c.SessionExpiry == ExpiryUnset {
			c.SessionExpiry = math.MaxUint32
		}
		if c.SessionExpiry > 0 {
			if c.SessionExpiry == math.MaxUint32 && noID {
				return failMsg(msgInfiniteNoID)
			}
			// After every -D, so that a -D connect session-expiry-interval is a duplicate.
			if err := c.Props.Add("connect", "session-expiry-interval", strconv.FormatInt(c.SessionExpiry, 10)); err != nil {
				return propertyFailure(err)
			}
		}
	} else if !c.CleanSession && noID {
		return failMsg(msgCleanNoID)
	}
	if ps.p == Sub && len(c.Topics) == 0 {
		return failMsg(msgSubNoTopic)
	}
	if c.Host == "" && !ps.hostGiven {
		c.Host = "localhost"
	}
	if err := c.Props.Check(); err != nil {
		return propertyFailure(err)
	}
	return nil
}
