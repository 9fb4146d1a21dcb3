use polars::prelude::*;
use std::time::Instant;
fn main() -> anyhow::Result<()> {
    let path = std::env::args().nth(1).unwrap();
    let ncols: usize = std::env::args().nth(2).unwrap().parse()?;
    let t = Instant::now();
    let lf = LazyCsvReader::new(PlRefPath::try_from_path(std::path::Path::new(&path))?)
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .finish()?;
    let names = ["item_id","timestamp","status","assignee","team","actor","source"];
    let mode = std::env::args().nth(3).unwrap_or_default();
    let mut exprs: Vec<Expr> = names[..ncols].iter().map(|n| match mode.as_str() {
        "cast" => col(*n).cast(DataType::String).alias(format!("x{n}")),
        "alias" => col(*n).alias(format!("x{n}")),
        _ => col(*n),
    }).collect();
    if mode == "null" || mode == "cast" { exprs.push(lit(NULL).cast(DataType::String).alias("created")); }
    let df = lf.select(exprs).collect()?;
    eprintln!("{} cols: {} rows in {:.3} s", ncols, df.height(), t.elapsed().as_secs_f64());
    Ok(())
}
