/*
 * The ns-3 side of the seam: the one file of divertsim that includes ns-3.
 * It owns the simulation's lifetime, the C callback events scheduled on
 * ns-3's event queue, point-to-point links built without ns-3's Internet
 * stack, the frames they carry handed to C for tracing, and the limits of a
 * run (a stop request, an event budget).  The C model only ever sees the
 * opaque handles of ns3_shim.h.
 */
#include "ns3/ns3_shim.h"

#include <csignal>
#include <cstdint>
#include <list>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ns3/core-module.h"
#include "ns3/map-scheduler.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

/* The IPv4 EtherType; ns-3's PPP device maps it to PPP protocol 0x0021. */
static const uint16_t SHIM_ETHERTYPE_IPV4 = 0x0800;

struct ns3_node {
	ns3::Ptr<ns3::Node>	 node;
};

struct ns3_dev {
	ns3::Ptr<ns3::PointToPointNetDevice> dev;
	ns3::Address		 dst;	/* broadcast: PPP has one peer */
	ns3_rx_fn		 rx_fn;
	ns3_rx_fn		 lost_fn;
	void			*rx_ctx;
	ns3_tap_fn		 tap_fn;
	void			*tap_ctx;
	uint64_t		 sent_ts;	/* instant of the last send */
	uint64_t		 sent_n;	/* sends at that instant */
	ns3_dev			*peer;	/* the other end of the link */
	/* ns3_dev_frames()'s receive side: frames the device handed up
	 * (its receive callback, called right after its MacRx trace) and
	 * frames its receive error model ate (PhyRxDrop, hooked only once
	 * there is an error model: nothing else fires it). */
	uint64_t		 rx_up;
	uint64_t		 rx_dropped;
	bool			 rx_drop_hooked;
};

namespace {

/* Set by ns3_stop(), possibly from a signal handler. */
volatile std::sig_atomic_t g_stop_requested;
ns3_stop_reason g_stop_reason = NS3_STOP_NONE;
uint64_t g_max_events;		/* 0: no limit */
uint64_t g_max_per_instant;	/* 0: no limit */

/*
 * The frame tag of ns3_shim.h as an ns-3 packet tag: it rides in the
 * packet's tag list, survives the PPP header being added and removed, and
 * is still there when a receive error model discards the frame.
 */
class FrameTag : public ns3::Tag
{
public:
	static ns3::TypeId GetTypeId();
	ns3::TypeId GetInstanceTypeId() const override;
	uint32_t GetSerializedSize() const override;
	void Serialize(ns3::TagBuffer i) const override;
	void Deserialize(ns3::TagBuffer i) override;
	void Print(std::ostream &os) const override;
	ns3_frame_tag t{};
};

ns3::TypeId
FrameTag::GetTypeId()
{
	static ns3::TypeId tid = ns3::TypeId("divertsim::FrameTag")
	    .SetParent<ns3::Tag>()
	    .AddConstructor<FrameTag>();

	return (tid);
}

ns3::TypeId
FrameTag::GetInstanceTypeId() const
{
	return (GetTypeId());
}

uint32_t
FrameTag::GetSerializedSize() const
{
	return (2 * sizeof(uint64_t));
}

void
FrameTag::Serialize(ns3::TagBuffer i) const
{
	i.WriteU64(t.lineage);
	i.WriteU64(t.cookie);
}

void
FrameTag::Deserialize(ns3::TagBuffer i)
{
	t.lineage = i.ReadU64();
	t.cookie = i.ReadU64();
}

void
FrameTag::Print(std::ostream &os) const
{
	os << "lineage=" << t.lineage << " cookie=" << t.cookie;
}

/*
 * An event queue with a horizon.  ns-3's Run() loop processes events while
 * the scheduler is not empty and Stop() was not called; reporting "empty"
 * once the next event lies beyond the horizon makes Run() return exactly
 * after the last event at or before it, with no stop event left behind and
 * with events scheduled at the horizon itself (even with zero delay while
 * running) still executed.  Outside ns3_run_until the horizon is infinite,
 * so ns-3's own uses of IsEmpty() (disposal, scheduler swap) see the truth.
 */
class ShimScheduler : public ns3::MapScheduler
{
public:
	static ns3::TypeId GetTypeId();
	ShimScheduler();
	~ShimScheduler() override;
	bool IsEmpty() const override;
	void Insert(const ns3::Scheduler::Event &ev) override;
	ns3::Scheduler::Event RemoveNext() override;
	bool HasEvents() const;
	uint64_t m_horizon_ts;
	bool m_running = false;		/* inside ns3_run_until() */
	bool m_ran = false;		/* ns3_run_until() was called */
	/* Events at time 0 queued while the world was built, before the
	 * first run: how many are left, and the id of the last. */
	uint64_t m_setup_left = 0;
	uint32_t m_setup_last_uid = 0;
	uint64_t m_removed = 0;		/* events handed out to run */
	uint64_t m_instant_ts = 0;	/* time stamp of the last one */
	uint64_t m_instant_n = 0;	/* events run at that stamp */
};

ShimScheduler *g_sched;

ns3::TypeId
ShimScheduler::GetTypeId()
{
	static ns3::TypeId tid = ns3::TypeId("divertsim::ShimScheduler")
	    .SetParent<ns3::MapScheduler>()
	    .AddConstructor<ShimScheduler>();

	return (tid);
}

ShimScheduler::ShimScheduler()
    : m_horizon_ts(std::numeric_limits<uint64_t>::max())
{
	g_sched = this;
}

ShimScheduler::~ShimScheduler()
{
	if (g_sched == this)
		g_sched = nullptr;
}

/*
 * ns-3's Run() loop asks IsEmpty() before every event: a stop (request,
 * budget) reads as an empty queue there, so the run ends after the event
 * being processed, with every object intact.  Only while running: the
 * disposal loop must still see, and free, every pending event.
 */
bool
ShimScheduler::IsEmpty() const
{
	if (m_running) {
		if (g_stop_requested != 0 && g_stop_reason == NS3_STOP_NONE)
			g_stop_reason = NS3_STOP_REQUESTED;
		if (g_stop_reason != NS3_STOP_NONE)
			return (true);
	}
	if (MapScheduler::IsEmpty())
		return (true);
	return (MapScheduler::PeekNext().key.m_ts > m_horizon_ts);
}

/*
 * Building the world queues events of its own: ns-3 initializes every node
 * and every device with an event at time 0 (NodeList::Add(),
 * Node::AddDevice()), three per chain host.  They are finite and queued
 * before anything runs, so they cannot be a livelock, but a million hosts
 * queue three million of them: the events at time 0 queued before the
 * first run are left out of the count of events at one instant.
 */
void
ShimScheduler::Insert(const ns3::Scheduler::Event &ev)
{
	if (!m_ran && ev.key.m_ts == 0) {
		m_setup_left++;
		m_setup_last_uid = ev.key.m_uid;
	}
	MapScheduler::Insert(ev);
}

/* Every event run passes here: the event budgets are counted on it. */
ns3::Scheduler::Event
ShimScheduler::RemoveNext()
{
	ns3::Scheduler::Event ev = MapScheduler::RemoveNext();
	bool setup = m_setup_left > 0 && ev.key.m_ts == 0 &&
	    ev.key.m_uid <= m_setup_last_uid;

	if (setup)
		m_setup_left--;
	m_removed++;
	if (g_max_events != 0 && m_removed >= g_max_events &&
	    g_stop_reason == NS3_STOP_NONE)
		g_stop_reason = NS3_STOP_MAX_EVENTS;
	if (ev.key.m_ts != m_instant_ts) {
		m_instant_ts = ev.key.m_ts;
		m_instant_n = 0;
	}
	if (!setup && ++m_instant_n > g_max_per_instant &&
	    g_max_per_instant != 0 && g_stop_reason == NS3_STOP_NONE)
		g_stop_reason = NS3_STOP_LIVELOCK;
	return (ev);
}

bool
ShimScheduler::HasEvents() const
{
	return (!MapScheduler::IsEmpty());
}

/*
 * A scheduled C callback.  Slots are recycled through a free list so that
 * scheduling costs no allocation of ours beyond ns-3's own EventImpl; the
 * id given to C is (generation << 32 | index), so a stale id (already run
 * or cancelled, slot reused) is recognised and ignored, and never 0
 * because generations start at 1.
 */
struct ev_slot {
	ns3::EventId	 eid;
	ns3_event_fn	 fn;		/* NULL when the slot is free */
	void		*arg;
	uint32_t	 gen;
	uint32_t	 next_free;
};

const uint32_t SLOT_NONE = std::numeric_limits<uint32_t>::max();

struct shim_state {
	std::vector<ev_slot>	 slots;
	uint32_t		 free_head = SLOT_NONE;
	uint64_t		 executed = 0;
	std::vector<std::unique_ptr<ns3_node>> nodes;
	std::vector<std::unique_ptr<ns3_dev>> devs;
	std::vector<uint8_t>	 rxbuf;	/* one receive buffer, reused */
	std::vector<uint8_t>	 tapbuf;	/* one tap buffer, reused */
};

shim_state *g_shim;

shim_state &
shim()
{
	if (g_shim == nullptr)
		ns3_sim_init();
	return (*g_shim);
}

void
slot_free(shim_state &st, uint32_t idx)
{
	ev_slot &s = st.slots[idx];

	s.eid = ns3::EventId();
	s.fn = nullptr;
	s.arg = nullptr;
	s.next_free = st.free_head;
	st.free_head = idx;
}

void
slot_fire(uint32_t idx)
{
	shim_state &st = *g_shim;
	ns3_event_fn fn = st.slots[idx].fn;
	void *arg = st.slots[idx].arg;

	/* Free first: fn may schedule, and may reuse this very slot. */
	slot_free(st, idx);
	st.executed++;
	fn(arg);
}

void
horizon_noop()
{
}

/* Hand p's bytes and tag to fn (rx or lost). */
void
dev_deliver(ns3_dev *d, ns3_rx_fn fn, ns3::Ptr<const ns3::Packet> p)
{
	shim_state &st = *g_shim;
	uint32_t len = p->GetSize();
	FrameTag tag;
	bool tagged = p->PeekPacketTag(tag);

	if (st.rxbuf.size() < len)
		st.rxbuf.resize(len);
	p->CopyData(st.rxbuf.data(), len);
	fn(d->rx_ctx, st.rxbuf.data(), len, tagged ? &tag.t : nullptr);
}

/*
 * The receive callback of every device: one ns-3 callback object shared by
 * all of them (a callback bound to each device's ns3_dev costs some 240
 * bytes a device), which finds the ns3_dev from the interface index the
 * shim gave the device (its place in shim_state::devs).
 */
bool
dev_receive(ns3::Ptr<ns3::NetDevice> nd, ns3::Ptr<const ns3::Packet> p,
    uint16_t protocol, const ns3::Address &from)
{
	ns3_dev *d = g_shim->devs[nd->GetIfIndex()].get();

	(void)from;
	d->rx_up++;
	if (protocol != SHIM_ETHERTYPE_IPV4 || d->rx_fn == nullptr)
		return (false);

	dev_deliver(d, d->rx_fn, p);
	return (true);
}

/* PhyRxDrop: the receive error model discarded p (PPP header still on). */
void
dev_rx_lost(ns3_dev *d, ns3::Ptr<const ns3::Packet> p)
{
	d->rx_dropped++;
	if (d->lost_fn == nullptr)
		return;

	ns3::Ptr<ns3::Packet> q = p->Copy();
	ns3::PppHeader ppp;

	q->RemoveHeader(ppp);
	dev_deliver(d, d->lost_fn, q);
}

/* PromiscSniffer: the frame as it starts on the wire or is received. */
void
dev_sniff(ns3_dev *d, ns3::Ptr<const ns3::Packet> p)
{
	shim_state &st = *g_shim;
	uint32_t len = p->GetSize();

	if (d->tap_fn == nullptr)
		return;
	if (st.tapbuf.size() < len)
		st.tapbuf.resize(len);
	p->CopyData(st.tapbuf.data(), len);
	d->tap_fn(d->tap_ctx, ns3_now_ns(), st.tapbuf.data(), len);
}

ns3::Ptr<ns3::PointToPointNetDevice>
dev_make(ns3_node *n, uint64_t rate_bps, uint32_t mtu, uint32_t queue_pkts)
{
	ns3::Ptr<ns3::PointToPointNetDevice> dev =
	    ns3::CreateObject<ns3::PointToPointNetDevice>();
	ns3::Ptr<ns3::DropTailQueue<ns3::Packet>> q =
	    ns3::CreateObject<ns3::DropTailQueue<ns3::Packet>>();

	dev->SetAddress(ns3::Mac48Address::Allocate());
	dev->SetDataRate(ns3::DataRate(rate_bps));
	/* ns-3 keeps a 16-bit MTU; no IPv4 datagram is longer anyway. */
	dev->SetMtu(static_cast<uint16_t>(mtu > 65535 ? 65535 : mtu));
	q->SetMaxSize(ns3::QueueSize(ns3::QueueSizeUnit::PACKETS, queue_pkts));
	dev->SetQueue(q);
	n->node->AddDevice(dev);
	return (dev);
}

} // namespace

extern "C" {

void
ns3_sim_init(void)
{
	ns3_sim_destroy();
	/*
	 * Also drops an implementation ns-3 created on its own (a call such
	 * as Simulator::Now() after ns3_sim_destroy() creates one).  The next
	 * call then creates a fresh one (time 0, empty queue, new NodeList)
	 * and we hand it our scheduler.
	 */
	ns3::Simulator::Destroy();
	/*
	 * Until the resolution is frozen (by this call or by the first
	 * Simulator::Run()), ns-3 records every Time object made in a set,
	 * to convert it should the resolution change: 120 bytes per link
	 * while a big topology is built.  Nanoseconds is the default; ns-3
	 * allows setting it once per process.
	 */
	static bool resolution_frozen;
	if (!resolution_frozen) {
		ns3::Time::SetResolution(ns3::Time::NS);
		resolution_frozen = true;
	}
	ns3::ObjectFactory f;
	f.SetTypeId(ShimScheduler::GetTypeId());
	ns3::Simulator::SetScheduler(f);
	g_shim = new shim_state();
	g_stop_requested = 0;
	g_stop_reason = NS3_STOP_NONE;
}

void
ns3_sim_destroy(void)
{
	if (g_shim == nullptr)
		return;
	/*
	 * Destroy disposes NodeList (nodes, devices, channels) and drops every
	 * pending event; then our own references go.
	 */
	ns3::Simulator::Destroy();
	delete g_shim;
	g_shim = nullptr;
}

uint64_t
ns3_now_ns(void)
{
	/* No simulation: time 0, without letting ns-3 create one implicitly. */
	if (g_shim == nullptr)
		return (0);
	return (static_cast<uint64_t>(ns3::Simulator::Now().GetNanoSeconds()));
}

uint64_t
ns3_schedule(uint64_t delay_ns, ns3_event_fn fn, void *arg)
{
	shim_state &st = shim();
	uint32_t idx;

	if (st.free_head != SLOT_NONE) {
		idx = st.free_head;
		st.free_head = st.slots[idx].next_free;
	} else {
		idx = static_cast<uint32_t>(st.slots.size());
		st.slots.push_back(ev_slot{ns3::EventId(), nullptr, nullptr, 0,
		    SLOT_NONE});
	}
	ev_slot &s = st.slots[idx];
	if (++s.gen == 0)
		s.gen = 1;
	s.fn = fn;
	s.arg = arg;
	s.next_free = SLOT_NONE;
	/*
	 * ns-3's clock is a signed 64-bit count: a time past 2^63 - 1 ns
	 * would wrap negative and run first.  Such an event can never come:
	 * it keeps its id (so that it can be cancelled) but is not queued.
	 */
	uint64_t room = static_cast<uint64_t>(
	    std::numeric_limits<int64_t>::max()) - ns3_now_ns();
	if (delay_ns > room)
		s.eid = ns3::EventId();
	else
		s.eid = ns3::Simulator::Schedule(ns3::NanoSeconds(delay_ns),
		    &slot_fire, idx);
	return ((static_cast<uint64_t>(s.gen) << 32) | idx);
}

void
ns3_cancel(uint64_t event_id)
{
	if (g_shim == nullptr || event_id == 0)
		return;

	shim_state &st = *g_shim;
	uint32_t idx = static_cast<uint32_t>(event_id);
	uint32_t gen = static_cast<uint32_t>(event_id >> 32);

	if (idx >= st.slots.size() || st.slots[idx].fn == nullptr ||
	    st.slots[idx].gen != gen)
		return;
	/* Remove, not Cancel: the event leaves the queue now, so cancelled
	 * timers neither accumulate nor count as pending. */
	if (st.slots[idx].eid.PeekEventImpl() != nullptr)
		ns3::Simulator::Remove(st.slots[idx].eid);
	slot_free(st, idx);
}

bool
ns3_run_until(uint64_t until_ns)
{
	shim();

	uint64_t now_ns = ns3_now_ns();
	uint64_t horizon_ts;

	if (until_ns >= static_cast<uint64_t>(
	    std::numeric_limits<int64_t>::max()))
		horizon_ts = std::numeric_limits<uint64_t>::max();
	else
		horizon_ts = static_cast<uint64_t>(
		    ns3::NanoSeconds(until_ns).GetTimeStep());

	if (until_ns >= now_ns) {
		g_sched->m_horizon_ts = horizon_ts;
		g_sched->m_running = true;
		g_sched->m_ran = true;
		ns3::Simulator::Run();
		/*
		 * Events remain beyond the horizon: time has reached until_ns,
		 * as after ns-3's Stop(); move the clock there with an empty
		 * event so that later delays count from until_ns.
		 */
		if (g_sched->HasEvents() && ns3_now_ns() < until_ns &&
		    ns3_stop_cause() == NS3_STOP_NONE) {
			ns3::Simulator::Schedule(
			    ns3::NanoSeconds(until_ns - ns3_now_ns()),
			    &horizon_noop);
			ns3::Simulator::Run();
		}
		g_sched->m_horizon_ts = std::numeric_limits<uint64_t>::max();
		g_sched->m_running = false;
	}
	return (g_sched->HasEvents());
}

uint64_t
ns3_events_executed(void)
{
	return (g_shim == nullptr ? 0 : g_shim->executed);
}

bool
ns3_events_pending(void)
{
	return (g_shim != nullptr && g_sched != nullptr &&
	    g_sched->HasEvents());
}

ns3_node *
ns3_node_create(void)
{
	shim_state &st = shim();

	st.nodes.push_back(std::make_unique<ns3_node>());
	st.nodes.back()->node = ns3::CreateObject<ns3::Node>();
	return (st.nodes.back().get());
}

void
ns3_link_create(ns3_node *a, ns3_node *b, uint64_t rate_bps,
    uint64_t delay_ns, uint32_t mtu, uint32_t queue_pkts,
    ns3_dev **dev_a, ns3_dev **dev_b)
{
	shim_state &st = shim();
	ns3::Ptr<ns3::PointToPointChannel> ch =
	    ns3::CreateObject<ns3::PointToPointChannel>();
	ns3_node *ends[2] = { a, b };
	ns3_dev **out[2] = { dev_a, dev_b };

	ch->SetAttribute("Delay", ns3::TimeValue(ns3::NanoSeconds(delay_ns)));
	static const ns3::NetDevice::ReceiveCallback rx_cb =
	    ns3::MakeCallback(&dev_receive);

	for (int i = 0; i < 2; i++) {
		st.devs.push_back(std::make_unique<ns3_dev>());
		ns3_dev *d = st.devs.back().get();
		d->dev = dev_make(ends[i], rate_bps, mtu, queue_pkts);
		/* Node::AddDevice() numbered it within its node; nothing of
		 * ns-3's reads that number back on a PPP device. */
		d->dev->SetIfIndex(static_cast<uint32_t>(st.devs.size() - 1));
		d->dst = d->dev->GetBroadcast();
		d->rx_fn = nullptr;
		d->lost_fn = nullptr;
		d->rx_ctx = nullptr;
		d->tap_fn = nullptr;
		d->tap_ctx = nullptr;
		d->sent_ts = 0;
		d->sent_n = 0;
		d->rx_up = 0;
		d->rx_dropped = 0;
		d->rx_drop_hooked = false;
		/*
		 * Taken straight from the device, after Node::AddDevice()
		 * installed the node's own callback: no protocol handler
		 * list is walked per packet.
		 */
		d->dev->SetReceiveCallback(rx_cb);
		d->dev->Attach(ch);
		if (out[i] != nullptr)
			*out[i] = d;
	}
	/* The two ns3_dev just made, last in st.devs. */
	ns3_dev *da = st.devs[st.devs.size() - 2].get();
	ns3_dev *db = st.devs[st.devs.size() - 1].get();
	da->peer = db;
	db->peer = da;
}

bool
ns3_dev_send(ns3_dev *dev, const uint8_t *bytes, size_t len,
    const struct ns3_frame_tag *tag)
{
	ns3::Ptr<ns3::Packet> p =
	    ns3::Create<ns3::Packet>(bytes, static_cast<uint32_t>(len));
	uint64_t now = ns3_now_ns();

	if (tag != nullptr) {
		FrameTag ft;

		ft.t = *tag;
		p->AddPacketTag(ft);
	}
	/* Sends per instant, to name the link of a zero-time livelock. */
	if (dev->sent_ts != now) {
		dev->sent_ts = now;
		dev->sent_n = 0;
	}
	dev->sent_n++;
	return (dev->dev->Send(p, dev->dst, SHIM_ETHERTYPE_IPV4));
}

void
ns3_dev_set_rx(ns3_dev *dev, ns3_rx_fn rx, ns3_rx_fn lost, void *ctx)
{
	dev->rx_fn = rx;
	dev->lost_fn = lost;
	dev->rx_ctx = ctx;
}

void
ns3_dev_set_rx_loss(ns3_dev *dev, const uint32_t *nth, size_t n)
{
	if (n == 0) {
		dev->dev->SetReceiveErrorModel(nullptr);
		return;
	}

	ns3::Ptr<ns3::ReceiveListErrorModel> em =
	    ns3::CreateObject<ns3::ReceiveListErrorModel>();

	/* PhyRxDrop fires only where an error model discards a frame. */
	if (!dev->rx_drop_hooked) {
		dev->dev->TraceConnectWithoutContext("PhyRxDrop",
		    ns3::MakeBoundCallback(&dev_rx_lost, dev));
		dev->rx_drop_hooked = true;
	}

	em->SetList(std::list<uint32_t>(nth, nth + n));
	dev->dev->SetReceiveErrorModel(em);
}

void
ns3_dev_set_delay(ns3_dev *dev, uint64_t delay_ns)
{
	dev->dev->GetChannel()->SetAttribute("Delay",
	    ns3::TimeValue(ns3::NanoSeconds(delay_ns)));
}

void
ns3_dev_set_tap(ns3_dev *dev, ns3_tap_fn fn, void *ctx)
{
	/*
	 * The trace source PointToPointHelper::EnablePcap() hooks: the frame
	 * with its PPP header as it starts on the wire and as it is received.
	 */
	if (dev->tap_fn == nullptr && fn != nullptr)
		dev->dev->TraceConnectWithoutContext("PromiscSniffer",
		    ns3::MakeBoundCallback(&dev_sniff, dev));
	dev->tap_fn = fn;
	dev->tap_ctx = ctx;
}

void
ns3_stop(void)
{
	g_stop_requested = 1;
}

ns3_stop_reason
ns3_stop_cause(void)
{
	if (g_stop_requested != 0 && g_stop_reason == NS3_STOP_NONE)
		return (NS3_STOP_REQUESTED);
	return (g_stop_reason);
}

void
ns3_set_limits(uint64_t max_events, uint64_t max_per_instant)
{
	g_max_events = max_events;
	g_max_per_instant = max_per_instant;
}

ns3_dev *
ns3_busiest_dev(void)
{
	ns3_dev *best = nullptr;
	uint64_t now = ns3_now_ns();

	if (g_shim == nullptr)
		return (nullptr);
	for (auto &d : g_shim->devs)
		if (d->sent_ts == now && d->sent_n > 0 &&
		    (best == nullptr || d->sent_n > best->sent_n))
			best = d.get();
	return (best);
}

void
ns3_dev_frames(const ns3_dev *dev, struct ns3_dev_frames *out)
{
	ns3::Ptr<ns3::Queue<ns3::Packet>> q = dev->dev->GetQueue();
	/*
	 * Every frame the queue accepted and gave up again went on the wire:
	 * PointToPointNetDevice dequeues only to TransmitStart() (in Send()
	 * and TransmitComplete()).  ns-3 counts these in 32 bits: the
	 * difference is taken in 32 bits too (frames on the wire are few).
	 */
	uint32_t tx_begun = q->GetTotalReceivedPackets() - q->GetNPackets() -
	    q->GetTotalDroppedPacketsAfterDequeue();
	uint32_t arrived = static_cast<uint32_t>(dev->peer->rx_up +
	    dev->peer->rx_dropped);

	out->queued = q->GetNPackets();
	out->on_wire = static_cast<uint32_t>(tx_begun - arrived);
	out->received = dev->rx_up;
	out->lost = dev->rx_dropped;
}

} /* extern "C" */
