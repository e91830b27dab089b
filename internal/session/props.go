package session

import (
	"github.com/eclipse/paho.golang/packets"

	"mqtt/internal/message"
)

// toPacket converts our properties to paho.golang's wire representation.
func toPacket(p *message.Properties) *packets.Properties {
	if p == nil {
		return nil
	}
	out := &packets.Properties{
		PayloadFormat:         p.PayloadFormat,
		MessageExpiry:         p.MessageExpiry,
		ContentType:           p.ContentType,
		ResponseTopic:         p.ResponseTopic,
		CorrelationData:       p.CorrelationData,
		SessionExpiryInterval: p.SessionExpiry,
		AssignedClientID:      p.AssignedClientID,
		ServerKeepAlive:       p.ServerKeepAlive,
		AuthMethod:            p.AuthMethod,
		AuthData:              p.AuthData,
		RequestProblemInfo:    p.RequestProblemInfo,
		WillDelayInterval:     p.WillDelay,
		RequestResponseInfo:   p.RequestResponseInfo,
		ResponseInfo:          p.ResponseInfo,
		ServerReference:       p.ServerReference,
		ReasonString:          p.ReasonString,
		ReceiveMaximum:        p.ReceiveMaximum,
		TopicAliasMaximum:     p.TopicAliasMaximum,
		TopicAlias:            p.TopicAlias,
		MaximumQOS:            p.MaximumQoS,
		RetainAvailable:       p.RetainAvailable,
		MaximumPacketSize:     p.MaximumPacketSize,
		WildcardSubAvailable:  p.WildcardSubAvailable,
		SubIDAvailable:        p.SubIDAvailable,
		SharedSubAvailable:    p.SharedSubAvailable,
	}
	if len(p.SubscriptionIDs) > 0 {
		id := p.SubscriptionIDs[0]
		out.SubscriptionIdentifier = &id
	}
	for _, u := range p.User {
		out.User = append(out.User, packets.User{Key: u.Key, Value: u.Value})
	}
	return out
}
