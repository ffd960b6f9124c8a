package realbugs

// This file is written by a script from the case directories: one import
// and one entry per directory holding a truth.json (TestRegistry checks
// that they agree).

import (
	"github.com/leakhound/leakhound/internal/realbugs/alertmanager_dispatch_swap"
	"github.com/leakhound/leakhound/internal/realbugs/alertmanager_import_close"
	"github.com/leakhound/leakhound/internal/realbugs/charon_cond_signal"
	"github.com/leakhound/leakhound/internal/realbugs/consul_watchch_ctx"
	"github.com/leakhound/leakhound/internal/realbugs/consulesm_shutdown_wait"
	"github.com/leakhound/leakhound/internal/realbugs/containerd_waitforpid"
	"github.com/leakhound/leakhound/internal/realbugs/cozy_mail_unlock"
	"github.com/leakhound/leakhound/internal/realbugs/ctrlruntime_errchan"
	"github.com/leakhound/leakhound/internal/realbugs/etcd_backend_close"
	"github.com/leakhound/leakhound/internal/realbugs/etcd_watch_ctrlstream"
	"github.com/leakhound/leakhound/internal/realbugs/etcdbr_watch_cancel"
	"github.com/leakhound/leakhound/internal/realbugs/godror_defer_unlock"
	"github.com/leakhound/leakhound/internal/realbugs/gohealth_ticker_stop"
	"github.com/leakhound/leakhound/internal/realbugs/grule_ctx_background"
	"github.com/leakhound/leakhound/internal/realbugs/influxdb_writer_done"
	"github.com/leakhound/leakhound/internal/realbugs/istio_ads_receive"
	"github.com/leakhound/leakhound/internal/realbugs/istio_push_timeout"
	"github.com/leakhound/leakhound/internal/realbugs/jaeger_pool_stop"
	"github.com/leakhound/leakhound/internal/realbugs/k8s_aggregator_errch"
	"github.com/leakhound/leakhound/internal/realbugs/k8s_kubeadm_waitkubelet"
	"github.com/leakhound/leakhound/internal/realbugs/kata_exitch_startfail"
	"github.com/leakhound/leakhound/internal/realbugs/kots_pipe_close"
	"github.com/leakhound/leakhound/internal/realbugs/moby_exec_outputdone"
	"github.com/leakhound/leakhound/internal/realbugs/nats_ack_unlock"
	"github.com/leakhound/leakhound/internal/realbugs/otelcol_remotetap_close"
	"github.com/leakhound/leakhound/internal/realbugs/pgx_ctxwatch_unwatch"
	"github.com/leakhound/leakhound/internal/realbugs/prometheus_tsdb_close"
	"github.com/leakhound/leakhound/internal/realbugs/promql_engine_cancel"
	"github.com/leakhound/leakhound/internal/realbugs/semgroup_acquire_done"
	"github.com/leakhound/leakhound/internal/realbugs/tollbooth_rlock_callback"
	"github.com/leakhound/leakhound/internal/realbugs/wallistener_errgroup_ctx"
	"github.com/leakhound/leakhound/internal/realbugs/windows_exporter_close"
)

// runs maps each case directory to its package's Run.
var runs = map[string]func(){
	"alertmanager_dispatch_swap": alertmanagerdispatchswap.Run,
	"alertmanager_import_close":  alertmanagerimportclose.Run,
	"charon_cond_signal":         charoncondsignal.Run,
	"consul_watchch_ctx":         consulwatchchctx.Run,
	"consulesm_shutdown_wait":    consulesmshutdownwait.Run,
	"containerd_waitforpid":      containerdwaitforpid.Run,
	"cozy_mail_unlock":           cozymailunlock.Run,
	"ctrlruntime_errchan":        ctrlruntimeerrchan.Run,
	"etcd_backend_close":         etcdbackendclose.Run,
	"etcd_watch_ctrlstream":      etcdwatchctrlstream.Run,
	"etcdbr_watch_cancel":        etcdbrwatchcancel.Run,
	"godror_defer_unlock":        godrordeferunlock.Run,
	"gohealth_ticker_stop":       gohealthtickerstop.Run,
	"grule_ctx_background":       grulectxbackground.Run,
	"influxdb_writer_done":       influxdbwriterdone.Run,
	"istio_ads_receive":          istioadsreceive.Run,
	"istio_push_timeout":         istiopushtimeout.Run,
	"jaeger_pool_stop":           jaegerpoolstop.Run,
	"k8s_aggregator_errch":       k8saggregatorerrch.Run,
	"k8s_kubeadm_waitkubelet":    k8skubeadmwaitkubelet.Run,
	"kata_exitch_startfail":      kataexitchstartfail.Run,
	"kots_pipe_close":            kotspipeclose.Run,
	"moby_exec_outputdone":       mobyexecoutputdone.Run,
	"nats_ack_unlock":            natsackunlock.Run,
	"otelcol_remotetap_close":    otelcolremotetapclose.Run,
	"pgx_ctxwatch_unwatch":       pgxctxwatchunwatch.Run,
	"prometheus_tsdb_close":      prometheustsdbclose.Run,
	"promql_engine_cancel":       promqlenginecancel.Run,
	"semgroup_acquire_done":      semgroupacquiredone.Run,
	"tollbooth_rlock_callback":   tollboothrlockcallback.Run,
	"wallistener_errgroup_ctx":   wallistenererrgroupctx.Run,
	"windows_exporter_close":     windowsexporterclose.Run,
}
