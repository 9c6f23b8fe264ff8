package metrics_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/metrics"
)

// dashboardPanel is what the test reads of a Grafana panel.
type dashboardPanel struct {
	Title      string `json:"title"`
	Type       string `json:"type"`
	Datasource *struct {
		UID string `json:"uid"`
	} `json:"datasource"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
	FieldConfig struct {
		Defaults struct {
			Thresholds struct {
				Steps []struct {
					Color string   `json:"color"`
					Value *float64 `json:"value"`
				} `json:"steps"`
			} `json:"thresholds"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
	Panels []dashboardPanel `json:"panels"` // of a collapsed row
}

// metricName finds the metric names in a PromQL expression.
var metricName = regexp.MustCompile(`\bbuurtplein_[a-z0-9_]+`)

// TestDashboard: docs/grafana-buurtplein.json is a dashboard whose every
// query reads its data from the Prometheus variable and names only series
// the metrics have, and whose backup and replica ages turn red at 26 hours
// and 60 seconds.
func TestDashboard(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(testapp.RepoRoot(t), "docs", "grafana-buurtplein.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dashboard struct {
		SchemaVersion int              `json:"schemaVersion"`
		Panels        []dashboardPanel `json:"panels"`
		Templating    struct {
			List []struct {
				Name, Type string
				Query      any
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(data, &dashboard); err != nil {
		t.Fatalf("the dashboard is no JSON: %v", err)
	}
	if dashboard.SchemaVersion < 39 {
		t.Errorf("schemaVersion %d, want 39 or later", dashboard.SchemaVersion)
	}
	hasVariable := false
	for _, v := range dashboard.Templating.List {
		hasVariable = hasVariable || (v.Name == "DS_PROMETHEUS" && v.Type == "datasource" && v.Query == "prometheus")
	}
	if !hasVariable {
		t.Error("the dashboard has no Prometheus data source variable DS_PROMETHEUS")
	}

	server, _ := serveAll(t)
	// a scrape that is counted, so that the request series are there
	get(t, server.URL+metrics.Route, token)
	exposed := getWhen(t, server.URL+metrics.Route, token, func(s scrape) bool {
		return s.names["buurtplein_http_requests_total"]
	}).names

	var panels []dashboardPanel
	for _, p := range dashboard.Panels {
		panels = append(panels, p)
		panels = append(panels, p.Panels...)
	}
	red := map[string]float64{}
	queried := map[string]bool{}
	for _, p := range panels {
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != "${DS_PROMETHEUS}" {
			t.Errorf("panel %q does not read from ${DS_PROMETHEUS}", p.Title)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, target := range p.Targets {
			for _, name := range metricName.FindAllString(target.Expr, -1) {
				base := name
				for _, suffix := range []string{"_bucket", "_sum", "_count"} {
					if trimmed, ok := strings.CutSuffix(name, suffix); ok && exposed[trimmed] {
						base = trimmed
					}
				}
				if !exposed[base] {
					t.Errorf("panel %q queries %s, which the metrics do not have", p.Title, name)
				}
				queried[base] = true
				for _, step := range p.FieldConfig.Defaults.Thresholds.Steps {
					if step.Color == "red" && step.Value != nil {
						red[base] = *step.Value
					}
				}
			}
		}
	}
	for _, name := range names {
		if strings.HasPrefix(name, "buurtplein_") && !queried[name] {
			t.Errorf("no panel shows %s", name)
		}
	}
	if red["buurtplein_backup_age_seconds"] != 26*3600 || red["buurtplein_replica_age_seconds"] != 60 {
		t.Errorf("red from %v s (backup) and %v s (replica), want 26 h and 60 s",
			red["buurtplein_backup_age_seconds"], red["buurtplein_replica_age_seconds"])
	}
}
