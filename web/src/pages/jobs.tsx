export default function Page() {
  return <div className="page"><h1>jobs</h1></div>;
}
