package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/api"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/ingest"
)

func TestHashToken(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, hashToken(strings.NewReader("s3cret\n"), &out))
	assert.Equal(t, api.HashToken("s3cret")+"\n", out.String())

	err := hashToken(strings.NewReader("\n"), io.Discard)
	assert.ErrorContains(t, err, "no token")
}

func TestServe(t *testing.T) {
	dir := t.TempDir()
	storeDir := filepath.Join(dir, "graph")
	ctx := context.Background()
	st, err := graph.Open(ctx, graph.Config{Backend: graph.BackendBBolt, Path: storeDir})
	require.NoError(t, err)
	require.NoError(t, st.PutMessage(ctx, ingest.Message{
		ID: "m1", Channel: ingest.ChannelEmail, Account: ingest.Account{ID: "ACME", Name: "艾克米科技"},
		OccurredAt: time.Date(2024, 5, 6, 9, 30, 0, 0, time.UTC),
		Participants: []ingest.Participant{
			{ID: "c1", Name: "王芳", Side: ingest.SideCustomer, Title: "IT总监"},
			{ID: "v1", Name: "李雷", Side: ingest.SideVendor},
		},
		From: "v1", Subject: "方案", Body: "王总好，方案见附件。",
	}, nil))
	require.NoError(t, st.Close())

	users := filepath.Join(dir, "users.json")
	b, err := json.Marshal([]map[string]any{{"token_sha256": api.HashToken("tok"), "name": "李雷", "role": "rep", "rep_id": "v1"}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(users, b, 0o600))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, []string{"--addr", addr, "--users", users, "--store", storeDir, "--as-of", "2024-05-20"})
	}()

	base := "http://" + addr
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 10*time.Second, 20*time.Millisecond)

	req, err := http.NewRequest(http.MethodGet, base+"/v1/accounts", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Contains(t, string(body), `"name":"艾克米科技"`)
	assert.Contains(t, string(body), `"as_of":"2024-05-20T23:59:59+08:00"`)

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err, "graceful shutdown")
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestServeFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{}, "--users is required"},
		{[]string{"--users", "/nonexistent/users.json"}, "no such file"},
		{[]string{"--hash-token", "extra"}, "unexpected arguments"},
	}
	for _, tt := range tests {
		err := runServe(context.Background(), tt.args)
		assert.ErrorContains(t, err, tt.want, "%v", tt.args)
	}
	users := filepath.Join(t.TempDir(), "users.json")
	require.NoError(t, os.WriteFile(users, []byte(`[{"token_sha256":"`+api.HashToken("t")+`","name":"运维","role":"ops"}]`), 0o600))
	err := runServe(context.Background(), []string{"--users", users, "--as-of", "soon"})
	assert.ErrorContains(t, err, "--as-of")
}
