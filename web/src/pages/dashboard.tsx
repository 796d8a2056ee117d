export default function Page() {
  return <div className="page"><h1>dashboard</h1></div>;
}
