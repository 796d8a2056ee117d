export default function Page() {
  return <div className="page"><h1>tenable</h1></div>;
}
