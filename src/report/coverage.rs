//! The clause × operation coverage of a corpus: for every cell of the
//! catalogue (`spec::clauses`), how many cases check that the clause accepts
//! what it must and how many that it rejects what it must.
//!
//! A case counts once per (clause, operation, side) it checks. Only `check`
//! steps count: the clause is the step's status check's (per check, then
//! expectation, step, case, file), the operation is the one the step sends
//! (`None` when its `X-Amz-Target` names none), and the side is *reject*
//! when the step expects an error code or a status of 400 or more, *accept*
//! otherwise. Setup and verify steps never count.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::case::{did_you_mean, CaseFile, CheckOf, Role, Step};
use crate::spec::clauses::{column_name, Clause, Column};
use crate::spec::Operation;

/// Which side of a clause a check step is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// The step expects a success: the clause accepts what it must.
    Accept,
    /// The step expects an error: the clause rejects what it must.
    Reject,
}

/// The side of a check step.
pub fn side_of(step: &Step) -> Side {
    let error = step.expect.error.is_some();
    let status = step.expect.status.unwrap_or(200);
    if error || status >= 400 {
        Side::Reject
    } else {
        Side::Accept
    }
}

/// One cell of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// The operation (`None`: a request whose `X-Amz-Target` names no operation).
    pub operation: Option<String>,
    /// Cases checking that the clause accepts what it must.
    pub accept: usize,
    /// Cases checking that the clause rejects what it must.
    pub reject: usize,
    /// Why the cell cannot be checked, when the catalogue says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknowable: Option<&'static str>,
}

impl Cell {
    /// Neither side has a case and the catalogue gives no reason.
    pub fn is_hole(&self) -> bool {
        self.accept + self.reject == 0 && self.unknowable.is_none()
    }
}

/// One clause of the catalogue with its cells, in the catalogue's order of operations.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The clause id.
    pub clause: &'static str,
    /// The rule in one sentence.
    pub rule: &'static str,
    /// Its evidence grade.
    pub evidence: &'static str,
    /// One cell per operation the clause applies to.
    pub cells: Vec<Cell>,
}

/// A case naming a clause the catalogue does not have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownClause {
    /// `cases/...:line` of the case.
    pub at: String,
    /// The trial id.
    pub trial: String,
    /// The clause as written.
    pub clause: String,
    /// A suggestion.
    pub hint: String,
}

/// A case checking a clause on an operation the clause does not apply to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stray {
    /// `cases/...:line` of the check step.
    pub at: String,
    /// The trial id.
    pub trial: String,
    /// The clause.
    pub clause: String,
    /// The operation the step sends.
    pub operation: String,
}

/// The coverage of a corpus.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Every clause of the catalogue, in catalogue order.
    pub rows: Vec<Row>,
    /// Cases naming an uncatalogued clause.
    pub unknown: Vec<UnknownClause>,
    /// Check steps on an operation their clause does not apply to.
    pub strays: Vec<Stray>,
}

/// Totals, for the summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Clauses in the catalogue.
    pub clauses: usize,
    /// Cells (clause × operation it applies to).
    pub cells: usize,
    /// Cells with at least one case.
    pub covered: usize,
    /// Cells with cases on both sides.
    pub both_sides: usize,
    /// Cells the catalogue marks unknowable.
    pub unknowable: usize,
    /// Cells with no case and no reason.
    pub holes: usize,
}

impl Coverage {
    /// The coverage of `files` against `catalogue`; `root` prefixes the
    /// file paths in locations (e.g. `cases/`).
    pub fn of(files: &[CaseFile], catalogue: &'static [Clause], root: &str) -> Coverage {
        let ids: BTreeSet<&str> = catalogue.iter().map(|c| c.id).collect();
        // (clause, column, side) -> trials
        let mut seen: BTreeMap<(String, Column, Side), BTreeSet<String>> = BTreeMap::new();
        let mut unknown = Vec::new();
        let mut strays = Vec::new();
        for file in files {
            for case in &file.cases {
                let trial = format!("{}::{}", file.stem(), case.slug);
                let case_grade = case.grade.clone();
                let mut named_unknown = BTreeSet::new();
                for step in case.steps.iter().filter(|s| s.role == Role::Check) {
                    let clause = step
                        .expect
                        .grade_of(CheckOf::Status)
                        .over(&step.grade)
                        .over(&case_grade)
                        .clause
                        .unwrap_or_else(|| file.clause.clone());
                    let column = step.sent_operation();
                    let at = format!("{root}{}:{}", file.path, step.span.line);
                    if !ids.contains(clause.as_str()) {
                        if named_unknown.insert(clause.clone()) {
                            unknown.push(UnknownClause {
                                at: format!("{root}{}:{}", file.path, case.span.line),
                                trial: trial.clone(),
                                hint: did_you_mean(&clause, ids.iter().copied()),
                                clause,
                            });
                        }
                        continue;
                    }
                    let entry = catalogue.iter().find(|c| c.id == clause);
                    if entry.is_some_and(|c| !c.ops.contains(&column)) {
                        strays.push(Stray {
                            at,
                            trial: trial.clone(),
                            clause: clause.clone(),
                            operation: column_name(column).to_owned(),
                        });
                        continue;
                    }
                    seen.entry((clause, column, side_of(step)))
                        .or_default()
                        .insert(trial.clone());
                }
            }
        }
        let count = |clause: &str, column: Column, side: Side| {
            seen.get(&(clause.to_owned(), column, side))
                .map_or(0, BTreeSet::len)
        };
        let rows = catalogue
            .iter()
            .map(|c| Row {
                clause: c.id,
                rule: c.rule,
                evidence: c.evidence.name(),
                cells: c
                    .ops
                    .iter()
                    .map(|&column| Cell {
                        operation: column.map(|o| o.name().to_owned()),
                        accept: count(c.id, column, Side::Accept),
                        reject: count(c.id, column, Side::Reject),
                        unknowable: c.unknowable_reason(column),
                    })
                    .collect(),
            })
            .collect();
        Coverage {
            rows,
            unknown,
            strays,
        }
    }

    /// The summary counts.
    pub fn totals(&self) -> Totals {
        let cells = self.rows.iter().flat_map(|r| &r.cells);
        let mut t = Totals {
            clauses: self.rows.len(),
            cells: 0,
            covered: 0,
            both_sides: 0,
            unknowable: 0,
            holes: 0,
        };
        for cell in cells {
            t.cells += 1;
            t.covered += usize::from(cell.accept + cell.reject > 0);
            t.both_sides += usize::from(cell.accept > 0 && cell.reject > 0);
            t.unknowable += usize::from(cell.unknowable.is_some());
            t.holes += usize::from(cell.is_hole());
        }
        t
    }

    /// The holes: (clause, operation) cells with no case and no reason.
    pub fn holes(&self) -> Vec<(&'static str, String)> {
        self.rows
            .iter()
            .flat_map(|r| {
                r.cells.iter().filter(|c| c.is_hole()).map(|c| {
                    (
                        r.clause,
                        c.operation
                            .clone()
                            .unwrap_or_else(|| column_name(None).into()),
                    )
                })
            })
            .collect()
    }

    /// Whether the corpus and the catalogue agree: no hole, no unknown
    /// clause, no stray check.
    pub fn is_complete(&self) -> bool {
        self.holes().is_empty() && self.unknown.is_empty() && self.strays.is_empty()
    }

    /// The problems, one line each (empty when complete).
    pub fn problems(&self) -> String {
        let mut out = String::new();
        for u in &self.unknown {
            let _ = writeln!(
                out,
                "error: {}: case `{}` names clause `{}`, which the catalogue does not have; {}",
                u.at, u.trial, u.clause, u.hint
            );
        }
        for s in &self.strays {
            let _ = writeln!(
                out,
                "error: {}: case `{}` checks clause `{}` on {}, which the catalogue does not apply it to",
                s.at, s.trial, s.clause, s.operation
            );
        }
        for (clause, op) in self.holes() {
            let _ = writeln!(
                out,
                "error: hole: clause `{clause}` × {op} has no case on either side and no reason it cannot be checked"
            );
        }
        out
    }

    /// The matrix as text: one block per clause, one line per cell.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let width = Operation::ALL
            .iter()
            .map(|o| o.name().len())
            .max()
            .unwrap_or(0);
        for row in &self.rows {
            let _ = writeln!(out, "{}  ({})  {}", row.clause, row.evidence, row.rule);
            for cell in &row.cells {
                let op = cell.operation.as_deref().unwrap_or(column_name(None));
                let _ = write!(
                    out,
                    "    {op:<width$}  accept {:>3}  reject {:>3}",
                    cell.accept, cell.reject
                );
                if let Some(reason) = cell.unknowable {
                    let _ = write!(out, "  unknowable: {reason}");
                } else if cell.is_hole() {
                    out.push_str("  HOLE");
                }
                out.push('\n');
            }
        }
        out.push('\n');
        out.push_str(&self.summary());
        out
    }

    /// The matrix as Markdown: clauses × operations, each cell `accept/reject`.
    pub fn markdown(&self) -> String {
        let columns: Vec<Column> = {
            let used: BTreeSet<Column> = self
                .rows
                .iter()
                .flat_map(|r| {
                    r.cells
                        .iter()
                        .map(|c| c.operation.as_deref().and_then(Operation::from_name))
                })
                .collect();
            let mut cols: Vec<Column> = Operation::ALL
                .iter()
                .map(|o| Some(*o))
                .filter(|c| used.contains(c))
                .collect();
            if used.contains(&None) {
                cols.push(None);
            }
            cols
        };
        let mut out = String::from("| clause |");
        for c in &columns {
            let _ = write!(out, " {} |", column_name(*c));
        }
        out.push_str("\n|---|");
        out.push_str(&"---|".repeat(columns.len()));
        out.push('\n');
        let mut reasons = Vec::new();
        for row in &self.rows {
            let _ = write!(out, "| `{}` |", row.clause);
            for col in &columns {
                let cell = row
                    .cells
                    .iter()
                    .find(|c| c.operation.as_deref().and_then(Operation::from_name) == *col);
                match cell {
                    None => out.push_str(" |"),
                    Some(c) if c.unknowable.is_some() && c.accept + c.reject == 0 => {
                        reasons.push((row.clause, column_name(*col), c.unknowable.unwrap_or("")));
                        let _ = write!(out, " n/a[{}] |", reasons.len());
                    }
                    Some(c) if c.is_hole() => out.push_str(" **HOLE** |"),
                    Some(c) => {
                        let _ = write!(out, " {}/{} |", c.accept, c.reject);
                    }
                }
            }
            out.push('\n');
        }
        out.push_str("\nCells: cases that accept / cases that reject.\n");
        for (i, (clause, op, reason)) in reasons.iter().enumerate() {
            let _ = writeln!(out, "\n[{}] `{clause}` × {op}: {reason}", i + 1);
        }
        out.push('\n');
        out.push_str(&self.summary());
        out
    }

    /// The one-line summary.
    pub fn summary(&self) -> String {
        let t = self.totals();
        format!(
            "coverage: {} clauses, {} cells: {} covered ({} on both sides), {} unknowable, {} holes\n",
            t.clauses, t.cells, t.covered, t.both_sides, t.unknowable, t.holes
        )
    }
}
