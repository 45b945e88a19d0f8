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
//!
//! A cell is a hole when a side the catalogue says it has (`Sides`) has no
//! case; a case on a side the catalogue says the cell lacks is an error too,
//! since its clause is then misnamed or the catalogue is wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::case::{did_you_mean, CaseFile, CheckOf, Role, Step};
use crate::spec::clauses::{column_name, Clause, Column, Sides};
use crate::spec::Dialect;

/// Which side of a clause a check step is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// The step expects a success: the clause accepts what it must.
    Accept,
    /// The step expects an error: the clause rejects what it must.
    Reject,
}

impl Side {
    /// The side's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Side::Accept => "accepts",
            Side::Reject => "rejects",
        }
    }
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
    /// Whether the catalogue says the cell has an accept side.
    pub needs_accept: bool,
    /// Whether the catalogue says the cell has a reject side.
    pub needs_reject: bool,
    /// Why the cell has one side only, when it has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_side: Option<&'static str>,
    /// Why the cell cannot be checked, when the catalogue says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknowable: Option<&'static str>,
}

impl Cell {
    /// The sides the cell needs and has no case for (none when unknowable).
    pub fn missing(&self) -> Vec<Side> {
        if self.unknowable.is_some() {
            return Vec::new();
        }
        let mut out = Vec::new();
        if self.needs_accept && self.accept == 0 {
            out.push(Side::Accept);
        }
        if self.needs_reject && self.reject == 0 {
            out.push(Side::Reject);
        }
        out
    }

    /// A side the cell needs has no case and the catalogue gives no reason.
    pub fn is_hole(&self) -> bool {
        !self.missing().is_empty()
    }

    /// Every side the cell needs has a case.
    pub fn is_complete(&self) -> bool {
        self.unknowable.is_none() && self.missing().is_empty()
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

/// A case on a side its cell does not have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OffSide {
    /// `cases/...:line` of the check step.
    pub at: String,
    /// The trial id.
    pub trial: String,
    /// The clause.
    pub clause: String,
    /// The operation the step sends.
    pub operation: String,
    /// The side the step is on.
    pub side: &'static str,
    /// Why the catalogue gives the cell the other side only.
    pub reason: &'static str,
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
    /// Check steps on a side their cell does not have.
    pub off_side: Vec<OffSide>,
}

/// Totals, for the summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Clauses in the catalogue.
    pub clauses: usize,
    /// Cells (clause × operation it applies to).
    pub cells: usize,
    /// Cells with a case on every side they need.
    pub complete: usize,
    /// Cells that need both sides.
    pub two_sided: usize,
    /// Cells the catalogue marks unknowable.
    pub unknowable: usize,
    /// Cells missing a side, with no reason.
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
        let mut off_side = Vec::new();
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
                    let column = match (file.dialect, step.action.or(file.action)) {
                        (Dialect::Otc, Some(action)) if step.request.path.is_none() => {
                            Column::Otc(action)
                        }
                        (Dialect::Otc, _) => Column::Unnamed,
                        (Dialect::Aws, _) => {
                            step.sent_operation().map_or(Column::Unnamed, Column::Aws)
                        }
                    };
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
                    let Some(entry) = catalogue.iter().find(|c| c.id == clause) else {
                        continue;
                    };
                    if !entry.ops.contains(&column) {
                        strays.push(Stray {
                            at,
                            trial: trial.clone(),
                            clause: clause.clone(),
                            operation: column_name(column).to_owned(),
                        });
                        continue;
                    }
                    let side = side_of(step);
                    let sides = entry.sides_of(column);
                    let has = match side {
                        Side::Accept => sides.accepts(),
                        Side::Reject => sides.rejects(),
                    };
                    if !has {
                        off_side.push(OffSide {
                            at,
                            trial: trial.clone(),
                            clause: clause.clone(),
                            operation: column_name(column).to_owned(),
                            side: side.name(),
                            reason: sides.reason().unwrap_or_default(),
                        });
                        continue;
                    }
                    seen.entry((clause, column, side))
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
                    .map(|&column| {
                        let sides: Sides = c.sides_of(column);
                        Cell {
                            operation: column.operation().map(str::to_owned),
                            accept: count(c.id, column, Side::Accept),
                            reject: count(c.id, column, Side::Reject),
                            needs_accept: sides.accepts(),
                            needs_reject: sides.rejects(),
                            one_side: sides.reason(),
                            unknowable: c.unknowable_reason(column),
                        }
                    })
                    .collect(),
            })
            .collect();
        Coverage {
            rows,
            unknown,
            strays,
            off_side,
        }
    }

    /// The summary counts.
    pub fn totals(&self) -> Totals {
        let cells = self.rows.iter().flat_map(|r| &r.cells);
        let mut t = Totals {
            clauses: self.rows.len(),
            cells: 0,
            complete: 0,
            two_sided: 0,
            unknowable: 0,
            holes: 0,
        };
        for cell in cells {
            t.cells += 1;
            t.complete += usize::from(cell.is_complete());
            t.two_sided += usize::from(cell.needs_accept && cell.needs_reject);
            t.unknowable += usize::from(cell.unknowable.is_some());
            t.holes += usize::from(cell.is_hole());
        }
        t
    }

    /// The holes: (clause, operation, side) with no case and no reason.
    pub fn holes(&self) -> Vec<(&'static str, String, Side)> {
        self.rows
            .iter()
            .flat_map(|r| {
                r.cells.iter().flat_map(move |c| {
                    c.missing().into_iter().map(move |side| {
                        (
                            r.clause,
                            c.operation
                                .clone()
                                .unwrap_or_else(|| column_name(Column::Unnamed).into()),
                            side,
                        )
                    })
                })
            })
            .collect()
    }

    /// Whether the corpus and the catalogue agree: no hole, no unknown
    /// clause, no stray or off-side check.
    pub fn is_complete(&self) -> bool {
        self.holes().is_empty()
            && self.unknown.is_empty()
            && self.strays.is_empty()
            && self.off_side.is_empty()
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
        for o in &self.off_side {
            let _ = writeln!(
                out,
                "error: {}: case `{}` checks that clause `{}` {} on {}, a side the catalogue says it lacks ({})",
                o.at, o.trial, o.clause, o.side, o.operation, o.reason
            );
        }
        for (clause, op, side) in self.holes() {
            let _ = writeln!(
                out,
                "error: hole: clause `{clause}` × {op} has no case that checks it {} what it must, and no reason it cannot be checked",
                side.name()
            );
        }
        out
    }

    /// The matrix as text: one block per clause, one line per cell.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let width = Column::all()
            .map(|c| column_name(c).len())
            .max()
            .unwrap_or(0);
        for row in &self.rows {
            let _ = writeln!(out, "{}  ({})  {}", row.clause, row.evidence, row.rule);
            for cell in &row.cells {
                let op = cell
                    .operation
                    .as_deref()
                    .unwrap_or(column_name(Column::Unnamed));
                let side = |n: usize, needed: bool| {
                    if needed {
                        format!("{n:>3}")
                    } else {
                        format!("{:>3}", "-")
                    }
                };
                let _ = write!(
                    out,
                    "    {op:<width$}  accept {}  reject {}",
                    side(cell.accept, cell.needs_accept),
                    side(cell.reject, cell.needs_reject)
                );
                if let Some(reason) = cell.unknowable {
                    let _ = write!(out, "  unknowable: {reason}");
                } else if cell.is_hole() {
                    let missing: Vec<&str> = cell.missing().iter().map(|s| s.name()).collect();
                    let _ = write!(out, "  HOLE (no case that {})", missing.join(" or "));
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
                        .filter_map(|c| Column::from_operation(c.operation.as_deref()))
                })
                .collect();
            Column::all().filter(|c| used.contains(c)).collect()
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
                    .find(|c| Column::from_operation(c.operation.as_deref()) == Some(*col));
                match cell {
                    None => out.push_str(" |"),
                    Some(c) if c.unknowable.is_some() && c.accept + c.reject == 0 => {
                        reasons.push((row.clause, column_name(*col), c.unknowable.unwrap_or("")));
                        let _ = write!(out, " n/a[{}] |", reasons.len());
                    }
                    Some(c) => {
                        let side = |n: usize, needed: bool| {
                            if needed {
                                n.to_string()
                            } else {
                                "-".to_owned()
                            }
                        };
                        let hole = if c.is_hole() { " **HOLE**" } else { "" };
                        let _ = write!(
                            out,
                            " {}/{}{hole} |",
                            side(c.accept, c.needs_accept),
                            side(c.reject, c.needs_reject)
                        );
                    }
                }
            }
            out.push('\n');
        }
        out.push_str(
            "\nCells: cases that accept / cases that reject; `-` where the catalogue gives the cell one side only.\n",
        );
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
            "coverage: {} clauses, {} cells ({} with both sides): {} complete, {} unknowable, {} holes\n",
            t.clauses, t.cells, t.two_sided, t.complete, t.unknowable, t.holes
        )
    }
}
