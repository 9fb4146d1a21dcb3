//! rust4pm's streaming XES parse (`process_mining::stream_xes_from_path`) computing what a
//! minimal audit of an XES log needs: the number of cases, each case's duration (last event −
//! first event) and the changes of `org:group` within a case (handoffs). Prints the totals.

use process_mining::core::event_data::case_centric::xes::{
    stream_xes_from_path, XESImportOptions,
};
use process_mining::core::event_data::case_centric::{AttributeValue, XESEditableAttribute};

fn main() {
    let path = std::env::args().nth(1).expect("usage: rust4pm-peer LOG.xes[.gz]");
    let (mut stream, _log) =
        stream_xes_from_path(&path, XESImportOptions::default()).expect("a readable XES log");
    let (mut cases, mut events, mut changes, mut total_secs) = (0u64, 0u64, 0u64, 0i64);
    for trace in &mut stream {
        cases += 1;
        let (mut first, mut last) = (i64::MAX, i64::MIN);
        let mut group: Option<String> = None;
        for e in &trace.events {
            events += 1;
            if let Some(AttributeValue::Date(t)) =
                e.attributes.get_by_key("time:timestamp").map(|a| &a.value)
            {
                let s = t.timestamp();
                first = first.min(s);
                last = last.max(s);
            }
            if let Some(AttributeValue::String(g)) =
                e.attributes.get_by_key("org:group").map(|a| &a.value)
            {
                if group.as_deref().is_some_and(|x| x != g) {
                    changes += 1;
                }
                group = Some(g.clone());
            }
        }
        if first <= last {
            total_secs += last - first;
        }
    }
    println!("cases {cases} events {events} group_changes {changes} total_case_seconds {total_secs}");
}
