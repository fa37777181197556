package audit

import (
	"fmt"
	"html/template"
	"io"

	"github.com/guanxi-dev/guanxi/report"
	"github.com/guanxi-dev/guanxi/scoring"
)

// Chart geometry, in SVG user units: a label column, then a 0–100 scale.
const (
	chartLabel = 44
	chartScale = 260 // width of 100 points
	chartRow   = 30
	chartTop   = 18
	chartWidth = chartLabel + chartScale + 110
)

type htmlBar struct {
	Label            string
	Y, TextY         int
	Width, BeforeX   float64
	Color            string
	Value, TrendText string
	Weak             bool
}

type htmlWarning struct {
	Kind, Severity, Since, Message string
}

type htmlAccount struct {
	AccountAudit
	Balance, WeakSpots, Weakest string
	Bars                        []htmlBar
	ChartHeight, RiskX          float64
	ChartTitle                  string
	AxisY                       int
	Ticks                       []htmlTick
	HTMLWarnings                []htmlWarning
}

type htmlTick struct {
	X     float64
	Label string
}

type htmlReport struct {
	AsOf, Summary string
	Dims          []scoring.Dimension
	Report
	Accounts []htmlAccount
}

// barColor grades a score: red below the risk threshold, amber below the
// baseline, green above.
func barColor(x float64) string {
	cfg := scoring.DefaultConfig()
	switch {
	case x < cfg.RiskThreshold:
		return "#c0392b"
	case x < cfg.Baseline:
		return "#d68910"
	}
	return "#1e8449"
}

func htmlAccountOf(a AccountAudit) htmlAccount {
	h := htmlAccount{
		AccountAudit: a,
		Balance:      BalanceName(a.Balance),
		WeakSpots:    dimList(a.WeakSpots),
		Weakest:      DimensionName(a.Weakest),
		RiskX:        chartLabel + scoring.DefaultConfig().RiskThreshold*chartScale/100,
	}
	for i, d := range a.Dimensions {
		y := chartTop + i*chartRow
		h.Bars = append(h.Bars, htmlBar{
			Label:     DimensionName(d.Dimension),
			Y:         y,
			TextY:     y + 14,
			Width:     d.Score * chartScale / 100,
			BeforeX:   chartLabel + d.Before*chartScale/100,
			Color:     barColor(d.Score),
			Value:     fmt.Sprintf("%.1f", d.Score),
			TrendText: fmt.Sprintf("30天 %s", trendText(d.Trend)),
			Weak:      d.Weak,
		})
	}
	h.AxisY = chartTop + len(a.Dimensions)*chartRow
	h.ChartHeight = float64(h.AxisY + 16)
	for _, v := range []float64{0, 25, 50, 75, 100} {
		h.Ticks = append(h.Ticks, htmlTick{X: chartLabel + v*chartScale/100, Label: fmt.Sprintf("%g", v)})
	}
	h.ChartTitle = fmt.Sprintf("%s 三维信任：技术 %.1f，商务 %.1f，情感 %.1f", a.Name,
		a.Dimensions[0].Score, a.Dimensions[1].Score, a.Dimensions[2].Score)
	for _, w := range a.Warnings {
		h.HTMLWarnings = append(h.HTMLWarnings, htmlWarning{
			Kind:     report.KindName(w.Kind),
			Severity: report.SeverityName(w.Severity),
			Since:    w.Since.In(scoring.DefaultConfig().Location).Format("2006-01-02"),
			Message:  w.Message,
		})
	}
	return h
}

// WriteHTML writes a self-contained, printable HTML page: no scripts, no
// external assets, an inline SVG chart per account.
func WriteHTML(w io.Writer, r Report) error {
	v := htmlReport{
		AsOf:    r.AsOf.In(scoring.DefaultConfig().Location).Format("2006-01-02"),
		Summary: summaryLine(r),
		Dims:    Dimensions,
		Report:  r,
	}
	for _, a := range r.Accounts {
		v.Accounts = append(v.Accounts, htmlAccountOf(a))
	}
	if err := page.Execute(w, v); err != nil {
		return fmt.Errorf("audit: write html: %w", err)
	}
	return nil
}

// The page is also well-formed XML (every element closed, no named
// entities), so that it can be checked strictly and read by XML tools.
var page = template.Must(template.New("audit").Funcs(template.FuncMap{
	"dim":   DimensionName,
	"trend": trendText,
	"date":  func(e scoring.Evidence) string { return e.At.In(scoring.DefaultConfig().Location).Format("2006-01-02") },
}).Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>关系健康审计 {{.AsOf}}</title>
<style>
body { font-family: "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif; color: #222; margin: 2em auto; max-width: 60em; padding: 0 1em; line-height: 1.6; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
.summary { background: #f4f6f8; border-left: 4px solid #2c3e50; padding: 0.6em 1em; }
.counts { border-collapse: collapse; margin: 0.6em 0 1.4em; }
.counts th, .counts td { border: 1px solid #ccc; padding: 0.2em 0.8em; text-align: center; }
section.account { border: 1px solid #d5d8dc; border-radius: 6px; padding: 0.8em 1.2em; margin: 1.2em 0; break-inside: avoid; page-break-inside: avoid; }
section.account h2 { font-size: 1.2em; margin: 0 0 0.3em; }
.id { color: #777; font-size: 0.85em; font-weight: normal; }
.risk { color: #fff; background: #c0392b; border-radius: 3px; padding: 0 0.4em; font-size: 0.8em; margin-left: 0.5em; }
.ok { color: #fff; background: #1e8449; border-radius: 3px; padding: 0 0.4em; font-size: 0.8em; margin-left: 0.5em; }
.facts { margin: 0.2em 0 0.6em; color: #444; }
svg { display: block; margin: 0.4em 0; max-width: 100%; height: auto; }
ol.advice li { margin-bottom: 0.4em; }
ul.warnings { padding-left: 1.2em; color: #555; font-size: 0.92em; }
.ev { color: #666; font-size: 0.85em; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  section.account { border-color: #999; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>
</head>
<body>
<h1>关系健康审计</h1>
<p>截至 {{.AsOf}}</p>
<p class="summary">{{.Summary}}</p>
<table class="counts">
<tr><th>维度</th><th>薄弱客户数</th><th>最弱客户数</th></tr>
{{- range $d := .Dims}}
<tr><td>{{dim $d}}信任</td><td>{{index $.Report.Summary.WeakSpots $d}}</td><td>{{index $.Report.Summary.Weakest $d}}</td></tr>
{{- end}}
</table>
{{- range .Accounts}}
<section class="account">
<h2>{{.Name}} <span class="id">{{.AccountID}}</span>{{if .AtRisk}}<span class="risk">有风险</span>{{else}}<span class="ok">正常</span>{{end}}</h2>
<p class="facts">最弱：{{.Weakest}}信任；差距 {{printf "%.1f" .Spread}} 分（{{.Balance}}）；薄弱项：{{.WeakSpots}}</p>
<svg xmlns="http://www.w3.org/2000/svg" role="img" width="` + fmt.Sprint(chartWidth) + `" height="{{.ChartHeight}}" viewBox="0 0 ` + fmt.Sprint(chartWidth) + ` {{.ChartHeight}}">
<title>{{.ChartTitle}}</title>
{{- range .Bars}}
<text x="0" y="{{.TextY}}" font-size="13" fill="#333">{{.Label}}{{if .Weak}} !{{end}}</text>
<rect x="` + fmt.Sprint(chartLabel) + `" y="{{.Y}}" width="` + fmt.Sprint(chartScale) + `" height="18" fill="#eef0f2"/>
<rect x="` + fmt.Sprint(chartLabel) + `" y="{{.Y}}" width="{{.Width}}" height="18" fill="{{.Color}}"/>
<line x1="{{.BeforeX}}" x2="{{.BeforeX}}" y1="{{.Y}}" y2="{{.TextY}}" stroke="#222" stroke-width="2" stroke-dasharray="3 2"/>
<text x="` + fmt.Sprint(chartLabel+chartScale+6) + `" y="{{.TextY}}" font-size="12" fill="#333">{{.Value}}（{{.TrendText}}）</text>
{{- end}}
<line x1="{{.RiskX}}" x2="{{.RiskX}}" y1="` + fmt.Sprint(chartTop-4) + `" y2="{{.AxisY}}" stroke="#c0392b" stroke-width="1"/>
{{- $axis := .AxisY}}
{{- range .Ticks}}
<text x="{{.X}}" y="{{$axis}}" dy="12" font-size="9" fill="#888" text-anchor="middle">{{.Label}}</text>
{{- end}}
</svg>
<p class="ev">彩条为当前分数，虚线为 30 天前，红线为风险线（45）。</p>
{{- if .Advice}}
<ol class="advice">
{{- range .Advice}}
<li>{{.Text}}{{if .Evidence}} <span class="ev">[{{range $i, $e := .Evidence}}{{if $i}}；{{end}}{{$e.MessageID}} {{date $e}}{{end}}]</span>{{end}}</li>
{{- end}}
</ol>
{{- end}}
{{- if .HTMLWarnings}}
<ul class="warnings">
{{- range .HTMLWarnings}}
<li>{{.Kind}}（{{.Severity}}，自 {{.Since}}）：{{.Message}}</li>
{{- end}}
</ul>
{{- end}}
</section>
{{- end}}
</body>
</html>
`))
