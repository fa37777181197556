// Package broker runs an embedded, in-memory Kafka-protocol broker on
// loopback for the demo and for tests. It speaks the real Kafka protocol
// (it wraps franz-go's kfake), so clients such as segmentio/kafka-go talk to
// it exactly as to a Kafka cluster.
//
// It is configured for short-lived local use: consumer groups may use
// session timeouts down to 100ms (Kafka's default floor is 6s), and topics
// are created with several partitions so that keyed, per-account ordering
// is exercised as in production.
package broker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Partitions is the number of partitions of each topic Start creates.
const Partitions = 4

// Broker is a running embedded broker.
type Broker struct {
	c    *kfake.Cluster
	addr string
}

// Start starts a single broker on 127.0.0.1 with an ephemeral port and
// creates topics, each with Partitions partitions. ctx bounds only the
// start-up; stop the broker with Close.
func Start(ctx context.Context, topics ...string) (*Broker, error) {
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.Ports(0),
		kfake.DefaultNumPartitions(Partitions),
		kfake.BrokerConfigs(map[string]string{
			// Let clients use short session timeouts, so that tests and
			// the demo do not wait seconds for group membership changes.
			"group.min.session.timeout.ms": "100",
		}),
		kfake.AllowAutoTopicCreation(),
	}
	if len(topics) > 0 {
		opts = append(opts, kfake.SeedTopics(Partitions, topics...))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("broker: start: %w", err)
	}
	addrs := c.ListenAddrs()
	if len(addrs) == 0 {
		c.Close()
		return nil, errors.New("broker: start: no listener")
	}
	b := &Broker{c: c, addr: addrs[0]}
	if err := b.waitReady(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return b, nil
}

// waitReady dials the listener until it accepts, so that Start returns a
// broker clients can use at once.
func (b *Broker) waitReady(ctx context.Context) error {
	var d net.Dialer
	for {
		conn, err := d.DialContext(ctx, "tcp", b.addr)
		if err == nil {
			return conn.Close()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("broker: start: %w", ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Addr returns the broker's host:port.
func (b *Broker) Addr() string { return b.addr }

// Close stops the broker; its data is gone.
func (b *Broker) Close() { b.c.Close() }
