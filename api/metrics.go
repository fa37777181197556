package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/guanxi-dev/guanxi/scoring"
)

// scrapeTimeout bounds the evaluation of every account behind one scrape.
const scrapeTimeout = 30 * time.Second

func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer, s *server) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "guanxi_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "guanxi_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.latency, &accountCollector{s: s})
	return m
}

func (m *metrics) handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}

// recorder remembers the status code and the user of a request.
type recorder struct {
	http.ResponseWriter
	code int
	user string
}

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// instrument counts, times and logs every request by the pattern that
// served it, which keeps the label values few whatever the paths.
func (s *server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		took := time.Since(start)
		if rec.code == 0 {
			rec.code = http.StatusOK
		}
		route := r.Pattern // set by the mux on this request
		if route == "" {
			route = "unmatched"
		}
		s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(rec.code)).Inc()
		s.metrics.latency.WithLabelValues(route, r.Method).Observe(took.Seconds())
		s.log.Info("http request", "method", r.Method, "path", r.URL.Path, "route", route,
			"status", rec.code, "user", rec.user, "took", took)
	})
}

var (
	accountsDesc = prometheus.NewDesc("guanxi_accounts",
		"Accounts in the graph.", nil, nil)
	atRiskDesc = prometheus.NewDesc("guanxi_accounts_at_risk",
		"Accounts at risk as of the server's as-of time.", nil, nil)
	warningsDesc = prometheus.NewDesc("guanxi_warnings_active",
		"Active churn-risk warnings as of the server's as-of time, by kind and severity.",
		[]string{"kind", "severity"}, nil)
)

// accountCollector evaluates every account at scrape time, so the gauges
// always agree with what the API answers.
type accountCollector struct{ s *server }

func (c *accountCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- accountsDesc
	ch <- atRiskDesc
	ch <- warningsDesc
}

func (c *accountCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	facts, err := c.s.allFacts(ctx)
	if err != nil {
		c.s.log.Error("api: metrics: read accounts", "err", err)
		ch <- prometheus.NewInvalidMetric(accountsDesc, err)
		return
	}
	asOf := c.s.asOf()
	atRisk := 0
	type key struct {
		kind     scoring.Kind
		severity scoring.Severity
	}
	warnings := map[key]int{}
	for _, k := range scoring.Kinds {
		for _, sev := range severities {
			warnings[key{k, sev}] = 0
		}
	}
	for _, f := range facts {
		score, ws := scoring.Evaluate(f, asOf, c.s.scoring...)
		if score.AtRisk {
			atRisk++
		}
		for _, w := range ws {
			warnings[key{w.Kind, w.Severity}]++
		}
	}
	ch <- prometheus.MustNewConstMetric(accountsDesc, prometheus.GaugeValue, float64(len(facts)))
	ch <- prometheus.MustNewConstMetric(atRiskDesc, prometheus.GaugeValue, float64(atRisk))
	for k, n := range warnings {
		ch <- prometheus.MustNewConstMetric(warningsDesc, prometheus.GaugeValue, float64(n), string(k.kind), string(k.severity))
	}
}
