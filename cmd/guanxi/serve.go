package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/guanxi-dev/guanxi/api"
)

// shutdownGrace is how long requests in flight may take to finish once the
// server is asked to stop.
const shutdownGrace = 10 * time.Second

func runServe(ctx context.Context, args []string) error {
	fs := newFlags("serve", "--users USERS.json [flags]  |  --hash-token < TOKEN")
	var c graphFlags
	c.registerGraph(fs, "guanxi.db")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	usersFile := fs.String("users", "", `users file: [{"token_sha256", "name", "role", "rep_id", "team"}]`)
	hash := fs.Bool("hash-token", false, "print the SHA-256 of the token read from stdin, for the users file, and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *hash {
		return hashToken(os.Stdin, os.Stdout)
	}
	if *usersFile == "" {
		return errors.New("--users is required: without users nobody could call the API")
	}
	users, err := api.ReadUsersFile(*usersFile)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		return fmt.Errorf("users file %s lists no users", *usersFile)
	}
	asOf, err := c.asOfFunc()
	if err != nil {
		return err
	}
	store, err := c.openStore(ctx, true)
	if err != nil {
		return err
	}
	defer store.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	srv := &http.Server{
		Handler:           api.New(api.Config{Store: store, Users: users, AsOf: asOf, Logger: slog.Default()}),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	slog.Info("api serving", "addr", ln.Addr().String(), "store", c.store, "users", len(users))

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	slog.Info("api shutting down")
	stop, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(stop); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// hashToken prints the hash of the token on the first line of r.
func hashToken(r io.Reader, w io.Writer) error {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read token: %w", err)
	}
	if strings.TrimSpace(line) == "" {
		return errors.New("no token on stdin")
	}
	_, err = fmt.Fprintln(w, api.HashToken(line))
	return err
}
