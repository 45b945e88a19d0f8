//! What every view of several reports shares: one column per report with a
//! unique label, and the clause × target matrix of worst verdicts. The HTML
//! and Markdown views only lay these out.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{CaseRecord, Report, Verdict};

/// Verdicts from worst to best: the order a matrix cell aggregates by.
pub const WORST_FIRST: [Verdict; 7] = [
    Verdict::Fail,
    Verdict::Error,
    Verdict::Blocked,
    Verdict::Xpass,
    Verdict::Xfail,
    Verdict::Drift,
    Verdict::Pass,
];

/// The position of a verdict in [`WORST_FIRST`]: 0 is the worst.
pub fn rank(v: Verdict) -> usize {
    WORST_FIRST
        .iter()
        .position(|w| *w == v)
        .expect("every verdict is in WORST_FIRST")
}

/// The worse of two verdicts.
pub fn worse(a: Verdict, b: Verdict) -> Verdict {
    if rank(b) < rank(a) {
        b
    } else {
        a
    }
}

/// What a verdict means, in a few words, for legends.
pub fn meaning(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "every check held",
        Verdict::Drift => "passed; a message's wording differs (not a recording)",
        Verdict::Fail => "a check failed",
        Verdict::Blocked => "setup failed or the operation is missing",
        Verdict::Error => "the transport failed",
        Verdict::Xfail => "failed, as the baseline expects",
        Verdict::Xpass => "passed, but the baseline expects a failure",
    }
}

/// How many cases a summary counts with a verdict.
pub fn summary_count(report: &Report, v: Verdict) -> usize {
    let s = &report.summary;
    match v {
        Verdict::Pass => s.pass,
        Verdict::Drift => s.drift,
        Verdict::Fail => s.fail,
        Verdict::Blocked => s.blocked,
        Verdict::Error => s.error,
        Verdict::Xfail => s.xfail,
        Verdict::Xpass => s.xpass,
    }
}

/// One label per report, unique: the target's label; where labels repeat,
/// the label with the endpoint; where those repeat too, a `#n` suffix.
pub fn labels(reports: &[Report]) -> Vec<String> {
    let mut out: Vec<String> = reports.iter().map(|r| r.target.label.clone()).collect();
    let repeated =
        |names: &[String], i: usize| names.iter().filter(|n| **n == names[i]).count() > 1;
    let first: Vec<String> = out.clone();
    for (i, r) in reports.iter().enumerate() {
        if repeated(&first, i) && r.target.endpoint != r.target.label {
            out[i] = format!("{} ({})", r.target.label, r.target.endpoint);
        }
    }
    let second = out.clone();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..out.len() {
        if !repeated(&second, i) {
            continue;
        }
        let n = seen.entry(second[i].clone()).or_insert(0);
        loop {
            *n += 1;
            let candidate = format!("{} #{n}", second[i]);
            if !out.contains(&candidate) && !second.contains(&candidate) {
                out[i] = candidate;
                break;
            }
        }
    }
    out
}

/// The group a clause is shown in: its first dot-separated segment (the
/// area of the catalogue in `spec::clauses`, such as `alias-name`, `key-id`
/// or `protocol`).
pub fn group_of(clause: &str) -> &str {
    clause.split('.').next().unwrap_or(clause)
}

/// The clauses a case covers: the clauses of its checks and its own clause
/// (a case blocked before any check still says what it could not test).
pub fn clauses_of(case: &CaseRecord) -> BTreeSet<&str> {
    let mut set: BTreeSet<&str> = case.clauses.iter().map(String::as_str).collect();
    if !case.clause.is_empty() {
        set.insert(case.clause.as_str());
    }
    set
}

/// The verdict of one clause on one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The worst verdict of the cases covering the clause.
    pub worst: Verdict,
    /// Cases per verdict, worst first, only verdicts that occur.
    pub counts: Vec<(Verdict, usize)>,
    /// Cases covering the clause.
    pub total: usize,
    /// Indices (into the report's `cases`) of the cases with the worst verdict.
    pub worst_cases: Vec<usize>,
}

impl Cell {
    /// `3 pass, 1 fail` style breakdown, worst first.
    pub fn breakdown(&self) -> String {
        self.counts
            .iter()
            .map(|(v, n)| format!("{n} {}", v.name()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One clause across every target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The clause.
    pub clause: String,
    /// One cell per report; `None` where no case of that target covers it.
    pub cells: Vec<Option<Cell>>,
}

impl Row {
    /// Whether every target that covers the clause passes all its cases.
    pub fn passes_everywhere(&self) -> bool {
        self.cells
            .iter()
            .flatten()
            .all(|c| c.worst == Verdict::Pass)
    }
}

/// The clauses of one operation or area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The operation or area, e.g. `CreateAlias` or `protocol`.
    pub name: String,
    /// Its clauses, sorted.
    pub rows: Vec<Row>,
}

/// Clauses × targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// Groups sorted by name (operations, capitalised, come first).
    pub groups: Vec<Group>,
}

impl Matrix {
    /// Aggregates the cases of each report by clause.
    pub fn build(reports: &[Report]) -> Matrix {
        // clause -> per report -> (verdict counts, worst case indices)
        let mut by_clause: BTreeMap<&str, Vec<Option<Cell>>> = BTreeMap::new();
        for (col, report) in reports.iter().enumerate() {
            for (index, case) in report.cases.iter().enumerate() {
                for clause in clauses_of(case) {
                    let cells = by_clause
                        .entry(clause)
                        .or_insert_with(|| vec![None; reports.len()]);
                    add(&mut cells[col], case.verdict, index);
                }
            }
        }
        let mut groups: Vec<Group> = Vec::new();
        for (clause, cells) in by_clause {
            let name = group_of(clause);
            let row = Row {
                clause: clause.to_string(),
                cells,
            };
            match groups.last_mut() {
                Some(g) if g.name == name => g.rows.push(row),
                _ => groups.push(Group {
                    name: name.to_string(),
                    rows: vec![row],
                }),
            }
        }
        Matrix { groups }
    }

    /// Every row, in order.
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.groups.iter().flat_map(|g| g.rows.iter())
    }
}

fn add(cell: &mut Option<Cell>, verdict: Verdict, index: usize) {
    let cell = cell.get_or_insert_with(|| Cell {
        worst: verdict,
        counts: Vec::new(),
        total: 0,
        worst_cases: Vec::new(),
    });
    cell.total += 1;
    match cell.counts.iter_mut().find(|(v, _)| *v == verdict) {
        Some((_, n)) => *n += 1,
        None => {
            cell.counts.push((verdict, 1));
            cell.counts.sort_by_key(|(v, _)| rank(*v));
        }
    }
    if verdict == cell.worst {
        cell.worst_cases.push(index);
    } else if worse(cell.worst, verdict) == verdict {
        cell.worst = verdict;
        cell.worst_cases = vec![index];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn the_worst_verdict_wins_in_the_documented_order() {
        for (i, a) in WORST_FIRST.iter().enumerate() {
            for b in &WORST_FIRST[i..] {
                assert_eq!(worse(*a, *b), *a);
                assert_eq!(worse(*b, *a), *a);
            }
        }
    }

    #[test]
    fn a_cell_holds_the_worst_verdict_and_the_breakdown() {
        let mut report = sample::report("ref", "embedded reference");
        report.cases = vec![
            sample::case("A::one", &["CreateAlias.x"], Verdict::Pass, None),
            sample::case("A::two", &["CreateAlias.x"], Verdict::Drift, None),
            sample::case(
                "A::three",
                &["CreateAlias.x", "protocol.y"],
                Verdict::Xfail,
                None,
            ),
            sample::case("A::four", &["CreateAlias.x"], Verdict::Error, None),
            sample::case("A::five", &["CreateAlias.x"], Verdict::Blocked, None),
            sample::case("A::six", &["CreateAlias.x"], Verdict::Error, None),
        ];
        let m = Matrix::build(&[report]);
        let names: Vec<&str> = m.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["CreateAlias", "protocol"]);
        let cell = m.groups[0].rows[0].cells[0].clone().unwrap();
        assert_eq!(cell.worst, Verdict::Error);
        assert_eq!(cell.total, 6);
        assert_eq!(cell.worst_cases, [3, 5]);
        assert_eq!(
            cell.breakdown(),
            "2 error, 1 blocked, 1 xfail, 1 drift, 1 pass"
        );
        let other = m.groups[1].rows[0].cells[0].clone().unwrap();
        assert_eq!((other.worst, other.total), (Verdict::Xfail, 1));
    }

    #[test]
    fn a_clause_a_target_does_not_cover_has_no_cell() {
        let mut a = sample::report("a", "http://a");
        a.cases = vec![sample::case(
            "A::x",
            &["ListAliases.Limit"],
            Verdict::Pass,
            None,
        )];
        let mut b = sample::report("b", "http://b");
        b.cases = vec![sample::case(
            "A::x",
            &["DeleteAlias.x"],
            Verdict::Fail,
            None,
        )];
        let m = Matrix::build(&[a, b]);
        let rows: Vec<&Row> = m.rows().collect();
        assert_eq!(rows[0].clause, "DeleteAlias.x");
        assert!(rows[0].cells[0].is_none());
        assert_eq!(rows[0].cells[1].as_ref().unwrap().worst, Verdict::Fail);
        assert!(!rows[0].passes_everywhere());
        assert!(rows[1].passes_everywhere());
    }

    #[test]
    fn labels_repeat_only_with_an_endpoint_or_a_suffix() {
        let r = |label: &str, endpoint: &str| sample::report(label, endpoint);
        let reports = [
            r("moto", "http://127.0.0.1:5000"),
            r("moto", "http://127.0.0.1:5001"),
            r("aws", "https://kms.eu-west-1.amazonaws.com"),
            r("ls", "http://ls"),
            r("ls", "http://ls"),
            r("http://x", "http://x"),
            r("http://x", "http://x"),
        ];
        assert_eq!(
            labels(&reports),
            [
                "moto (http://127.0.0.1:5000)",
                "moto (http://127.0.0.1:5001)",
                "aws",
                "ls (http://ls) #1",
                "ls (http://ls) #2",
                "http://x #1",
                "http://x #2",
            ]
        );
    }

    #[test]
    fn a_suffix_never_collides_with_another_label() {
        let reports = [
            sample::report("t", "e"),
            sample::report("t", "e"),
            sample::report("t (e) #1", "f"),
        ];
        let got = labels(&reports);
        let unique: BTreeSet<&String> = got.iter().collect();
        assert_eq!(unique.len(), 3, "{got:?}");
    }
}
