pub mod evidence;
pub mod schema;
